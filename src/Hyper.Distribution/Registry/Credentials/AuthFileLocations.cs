namespace Hyper.Distribution.Registry.Credentials;

/// <summary>
/// Where auth files are, by the environment as podman, skopeo and buildah (containers/image) look:
/// <c>$REGISTRY_AUTH_FILE</c> alone when set; else <c>$XDG_RUNTIME_DIR/containers/auth.json</c>,
/// <c>$XDG_CONFIG_HOME/containers/auth.json</c> (default <c>~/.config</c>), then docker's
/// <c>config.json</c> in <c>$DOCKER_CONFIG</c> (default <c>~/.docker</c>). The first file with an
/// entry for a registry decides (containers-auth.json(5)).
/// </summary>
public static class AuthFileLocations
{
    /// <summary>docker's <c>config.json</c>: where <c>hyperbuild login</c> stores, as <c>docker login</c> does.</summary>
    /// <param name="environment">Reads an environment variable; the process environment when null.</param>
    public static string DockerConfig(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var directory = NonEmpty(environment("DOCKER_CONFIG")) ?? Path.Combine(Home(environment), ".docker");
        return Path.Combine(directory, "config.json");
    }

    /// <summary>The auth files in the order they are searched.</summary>
    /// <param name="environment">Reads an environment variable; the process environment when null.</param>
    public static IReadOnlyList<string> SearchOrder(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (NonEmpty(environment("REGISTRY_AUTH_FILE")) is { } chosen)
        {
            return [chosen];
        }

        var files = new List<string>();
        if (NonEmpty(environment("XDG_RUNTIME_DIR")) is { } runtime)
        {
            files.Add(Path.Combine(runtime, "containers", "auth.json"));
        }

        var config = NonEmpty(environment("XDG_CONFIG_HOME")) ?? Path.Combine(Home(environment), ".config");
        files.Add(Path.Combine(config, "containers", "auth.json"));
        files.Add(DockerConfig(environment));
        return files;
    }

    private static string Home(Func<string, string?> environment) =>
        NonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
