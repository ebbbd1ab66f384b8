namespace Hyper.Distribution.Registry;

/// <summary>
/// Where credentials come from, asked once per registry the first time it demands them. The docker
/// <c>config.json</c> stores and credential helpers will be providers of their own.
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
