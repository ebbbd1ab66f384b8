using System.Collections.Concurrent;
using System.Text;

namespace Hyper.Distribution.Registry.Credentials;

/// <summary>
/// The credentials auth files configure: each file in turn (see <see cref="AuthFileLocations.SearchOrder"/>),
/// and in a file, as docker reads its <c>config.json</c>: the registry's <c>credHelpers</c> helper,
/// else the <c>credsStore</c> helper, else the <c>auths</c> entry (base64 <c>auth</c>, or <c>identitytoken</c>).
/// Keys match as docker matches them (<c>https://index.docker.io/v1/</c> is <c>docker.io</c>; scheme
/// and path are ignored). Each registry is looked up once per provider.
/// </summary>
public sealed class AuthFileCredentialProvider : IRegistryCredentialProvider
{
    private readonly string? _helperSearchPath;
    private readonly ConcurrentDictionary<string, Task<RegistryCredential?>> _found = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="files">The auth files, searched in this order; missing ones are skipped.</param>
    /// <param name="helperSearchPath">Where <c>docker-credential-*</c> helpers are looked for, as PATH lists directories; <c>$PATH</c> when null.</param>
    public AuthFileCredentialProvider(IEnumerable<string> files, string? helperSearchPath = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        Files = [.. files];
        _helperSearchPath = helperSearchPath;
    }

    /// <summary>The auth files searched, in order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>A provider over the files <paramref name="locations"/> searches.</summary>
    public static AuthFileCredentialProvider For(AuthFileLocations locations) => new((locations ?? throw new ArgumentNullException(nameof(locations))).SearchOrder);

    public async ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(registry);
        var lookup = _found.GetOrAdd(registry, name => LookUpAsync(name, cancellationToken));
        try
        {
            return await lookup.ConfigureAwait(false);
        }
        catch
        {
            // A failed or cancelled look-up is tried again next time, not remembered.
            _found.TryRemove(new KeyValuePair<string, Task<RegistryCredential?>>(registry, lookup));
            throw;
        }
    }

    private async Task<RegistryCredential?> LookUpAsync(string registry, CancellationToken cancellationToken)
    {
        foreach (var file in Files)
        {
            if (AuthFile.Load(file) is { } auth
                && await FindAsync(auth, file, registry, cancellationToken).ConfigureAwait(false) is { } credential)
            {
                return credential;
            }
        }

        return null;
    }

    private async Task<RegistryCredential?> FindAsync(AuthFile auth, string file, string registry, CancellationToken cancellationToken)
    {
        if (CredentialHelper.For(auth, registry, _helperSearchPath) is { } helper
            && await helper.GetAsync(RegistryAuthKey.For(registry), cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        if (auth.Auths is not { } entries || RegistryAuthKey.Find(entries.Keys, registry) is not { } key)
        {
            return null;
        }

        var entry = entries[key];
        var (username, password) = (entry.Username, entry.Password);
        if (!string.IsNullOrEmpty(entry.Auth))
        {
            (username, password) = Decode(entry.Auth, key, file);
        }

        if (!string.IsNullOrEmpty(entry.IdentityToken))
        {
            return RegistryCredential.FromIdentityToken(entry.IdentityToken, username);
        }

        return string.IsNullOrEmpty(username) && string.IsNullOrEmpty(password) ? null : new RegistryCredential(username ?? string.Empty, password ?? string.Empty);
    }

    private static (string Username, string Password) Decode(string auth, string key, string file)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Trim()));
        }
        catch (FormatException e)
        {
            throw new RegistryClientException($"the auth for '{key}' in {file} is not base64: {e.Message}", RegistryErrorCodes.Unauthorized, null, e);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? throw new RegistryClientException($"the auth for '{key}' in {file} is not base64 of user:password", RegistryErrorCodes.Unauthorized)
            : (text[..colon], text[(colon + 1)..]);
    }
}
