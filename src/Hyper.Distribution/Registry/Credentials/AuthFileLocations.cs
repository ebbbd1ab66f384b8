namespace Hyper.Distribution.Registry.Credentials;

/// <summary>
/// Where credentials are kept and looked up, resolved once for every command as podman resolves its
/// <c>--authfile</c> (containers/common, containers-auth.json(5)): the file given (<c>--authfile</c>), else
/// <c>$REGISTRY_AUTH_FILE</c>, else <c>$DOCKER_CONFIG/config.json</c> is the one file, written by login and read alone.
/// Without any of them the primary file is <c>$XDG_RUNTIME_DIR/containers/auth.json</c> (<c>/run/containers/UID/auth.json</c>
/// when that is unset or missing), searched first, then <c>$XDG_CONFIG_HOME/containers/auth.json</c> (default
/// <c>~/.config</c>) and docker's <c>~/.docker/config.json</c>. The first file with an entry for a registry decides.
/// </summary>
/// <remarks>
/// Login, logout and every command that reads credentials take this one answer, so that what login wrote is what
/// the next push reads (a login that wrote to docker's file while pushes read <c>$REGISTRY_AUTH_FILE</c> ended in
/// <c>unauthorized</c>).
/// </remarks>
public sealed class AuthFileLocations
{
    private AuthFileLocations(string primary, IReadOnlyList<string> searchOrder)
    {
        Primary = primary;
        SearchOrder = searchOrder;
    }

    /// <summary>Where login keeps credentials and logout removes them.</summary>
    public string Primary { get; }

    /// <summary>The auth files credentials are looked up in, in order; <see cref="Primary"/> is the first.</summary>
    public IReadOnlyList<string> SearchOrder { get; }

    /// <summary>Resolves the auth files for <paramref name="authFile"/> (<c>--authfile</c>, or null) and the environment.</summary>
    /// <param name="authFile">The file given on the command line; it wins over the environment.</param>
    /// <param name="environment">Reads an environment variable; the process environment when null.</param>
    public static AuthFileLocations Resolve(string? authFile = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var chosen = NonEmpty(authFile)
            ?? NonEmpty(environment("REGISTRY_AUTH_FILE"))
            ?? (NonEmpty(environment("DOCKER_CONFIG")) is { } dockerConfig ? Path.Combine(dockerConfig, "config.json") : null);
        if (chosen is not null)
        {
            var file = Path.GetFullPath(chosen);
            return new AuthFileLocations(file, [file]);
        }

        var home = NonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        // As containers/common: a runtime directory that is not there is no place to keep anything.
        var primary = NonEmpty(environment("XDG_RUNTIME_DIR")) is { } runtime && Directory.Exists(runtime)
            ? Path.Combine(runtime, "containers", "auth.json")
            : Path.Combine("/run/containers", UserId(), "auth.json");
        var config = NonEmpty(environment("XDG_CONFIG_HOME")) ?? Path.Combine(home, ".config");
        return new AuthFileLocations(primary, [primary, Path.Combine(config, "containers", "auth.json"), Path.Combine(home, ".docker", "config.json")]);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The real user ID, as containers/image names the per-user file (from <c>/proc</c>: no native call needed).</summary>
    private static string UserId()
    {
        const string status = "/proc/self/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(static l => l.StartsWith("Uid:", StringComparison.Ordinal)) : null;
        return line?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "0";
    }
}
