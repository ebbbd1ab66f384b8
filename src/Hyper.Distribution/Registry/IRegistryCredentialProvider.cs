namespace Hyper.Distribution.Registry;

/// <summary>
/// Where credentials come from, asked whenever a registry's challenge is answered (so a provider that
/// does real work caches). <see cref="Credentials.AuthFileCredentialProvider"/> reads docker's and
/// podman's auth files and credential helpers.
/// </summary>
public interface IRegistryCredentialProvider
{
    /// <summary>The credential for <paramref name="registry"/> (as a reference names it, e.g. <c>127.0.0.1:5000</c>), or null for anonymous access.</summary>
    ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken);

    /// <summary>A provider that asks <paramref name="lookup"/>, e.g. <c>host =&gt; host == "example.com" ? new("me", secret) : null</c>.</summary>
    static IRegistryCredentialProvider FromCallback(Func<string, RegistryCredential?> lookup) =>
        new CallbackProvider(lookup ?? throw new ArgumentNullException(nameof(lookup)));

    private sealed class CallbackProvider(Func<string, RegistryCredential?> lookup) : IRegistryCredentialProvider
    {
        public ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken) =>
            ValueTask.FromResult(lookup(registry));
    }
}
