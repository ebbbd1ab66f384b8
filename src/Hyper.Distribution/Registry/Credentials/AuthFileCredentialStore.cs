using System.Text;

namespace Hyper.Distribution.Registry.Credentials;

/// <summary>
/// Where <c>hyperbuild login</c> keeps credentials, as <c>podman login</c> and <c>docker login</c> do, in one auth
/// file (<see cref="AuthFileLocations.Primary"/>; containers' <c>auth.json</c> and docker's <c>config.json</c> have the
/// same shape): in the credential helper the file configures for the registry (<c>credHelpers</c>, else
/// <c>credsStore</c>), else base64 in its <c>auths</c>. The file is rewritten atomically, owner-only, keeping
/// whatever else it holds.
/// </summary>
/// <param name="configFile">The auth file.</param>
/// <param name="helperSearchPath">Where <c>docker-credential-*</c> helpers are looked for; <c>$PATH</c> when null.</param>
public sealed class AuthFileCredentialStore(string configFile, string? helperSearchPath = null)
{
    public string ConfigFile { get; } = configFile ?? throw new ArgumentNullException(nameof(configFile));

    /// <summary>Keeps <paramref name="credential"/> for <paramref name="registry"/>; answers where it went, for the user.</summary>
    public async Task<string> StoreAsync(string registry, RegistryCredential credential, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(registry);
        ArgumentNullException.ThrowIfNull(credential);
        var config = AuthFile.Load(ConfigFile) ?? new AuthFile();
        var auths = config.Auths ??= [];
        RemoveEntries(auths, registry);
        var key = RegistryAuthKey.For(registry);
        string where;
        if (CredentialHelper.For(config, registry, helperSearchPath) is { } helper)
        {
            await helper.StoreAsync(key, credential, cancellationToken).ConfigureAwait(false);
            // docker keeps an empty entry, so that the file still lists the registry as logged in.
            auths[key] = new AuthFileEntry();
            where = $"the credential helper {helper.Program}";
        }
        else
        {
            auths[key] = credential.IdentityToken is { } token
                ? new AuthFileEntry { IdentityToken = token, Auth = Base64($"{credential.Username}:") }
                : new AuthFileEntry { Auth = Base64($"{credential.Username}:{credential.Password}") };
            where = ConfigFile;
        }

        config.Save(ConfigFile);
        return where;
    }

    /// <summary>Forgets the credential for <paramref name="registry"/>; false when there was none.</summary>
    public async Task<bool> EraseAsync(string registry, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(registry);
        if (AuthFile.Load(ConfigFile) is not { } config)
        {
            return false;
        }

        var erased = CredentialHelper.For(config, registry, helperSearchPath) is { } helper
            && await helper.EraseAsync(RegistryAuthKey.For(registry), cancellationToken).ConfigureAwait(false);
        if (config.Auths is { } auths && RemoveEntries(auths, registry))
        {
            config.Save(ConfigFile);
            erased = true;
        }

        return erased;
    }

    /// <summary>Removes every spelling of the registry's key, so that no stale entry outlives a login or logout.</summary>
    private static bool RemoveEntries(Dictionary<string, AuthFileEntry> auths, string registry)
    {
        var wanted = RegistryAuthKey.Normalize(registry);
        var keys = auths.Keys.Where(key => RegistryAuthKey.Normalize(key) == wanted).ToList();
        keys.ForEach(key => auths.Remove(key));
        return keys.Count > 0;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
