using System.Text;

using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;

namespace Hyper.Distribution.Tests.Registry.Credentials;

/// <summary>Real auth files in a temporary directory, and a real credential helper executable, read as docker and podman read them.</summary>
public sealed class AuthFileCredentialProviderTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    public static TheoryData<string, string, string?> Entries => new()
    {
        // auths JSON, the registry asked for, the credential found ("user:password", "token:<t>" for an identity token, null for none)
        { """{"auths":{"127.0.0.1:5000":{"auth":"dXNlcjpwYXNz"}}}""", "127.0.0.1:5000", "user:pass" },
        { """{"auths":{"https://127.0.0.1:5000":{"auth":"dXNlcjpwYXNz"}}}""", "127.0.0.1:5000", "user:pass" },
        { """{"auths":{"http://127.0.0.1:5000/v2/":{"auth":"dXNlcjpwYXNz"}}}""", "127.0.0.1:5000", "user:pass" },
        { """{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNz"}}}""", "docker.io", "user:pass" },
        { """{"auths":{"registry-1.docker.io":{"auth":"dXNlcjpwYXNz"}}}""", "docker.io", "user:pass" },
        { """{"auths":{"quay.io/team/app":{"auth":"dXNlcjpwYXNz"}}}""", "quay.io", "user:pass" },
        // A password may hold colons; only the first separates the user.
        { """{"auths":{"example.com":{"auth":"dXNlcjpwYTpzczp3b3Jk"}}}""", "example.com", "user:pa:ss:word" },
        { """{"auths":{"example.com":{"username":"user","password":"spelled-out"}}}""", "example.com", "user:spelled-out" },
        { """{"auths":{"example.com":{"auth":"dXNlcjo=","identitytoken":"tok-123"}}}""", "example.com", "token:tok-123" },
        { """{"auths":{"example.com":{"identitytoken":"tok-456"}}}""", "example.com", "token:tok-456" },
        // The port is part of the name: another port is another registry.
        { """{"auths":{"127.0.0.1:5000":{"auth":"dXNlcjpwYXNz"}}}""", "127.0.0.1:5001", null },
        { """{"auths":{"example.com":{}}}""", "example.com", null },
        { """{"auths":{}}""", "example.com", null },
        { "", "example.com", null },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public async Task Auths_entries_are_read_as_docker_reads_them(string json, string registry, string? expected)
    {
        var file = Write("config.json", json);

        var credential = await new AuthFileCredentialProvider([file]).GetCredentialAsync(registry, CancellationToken.None);

        Assert.Equal(expected, Describe(credential));
    }

    [Fact]
    public async Task Exact_key_wins_over_one_that_only_normalises_to_the_registry()
    {
        var file = Write("config.json", $$$$"""{"auths":{"https://example.com/v1/":{"auth":"{{{{Base64("old:one")}}}}"},"example.com":{"auth":"{{{{Base64("new:one")}}}}"}}}""");

        var credential = await new AuthFileCredentialProvider([file]).GetCredentialAsync("example.com", CancellationToken.None);

        Assert.Equal("new:one", Describe(credential));
    }

    [Fact]
    public async Task First_file_with_an_entry_wins_and_missing_files_are_skipped()
    {
        var podman = Write("auth.json", $$$$"""{"auths":{"example.com":{"auth":"{{{{Base64("from:podman")}}}}"}}}""");
        var docker = Write("config.json", $$$$"""{"auths":{"example.com":{"auth":"{{{{Base64("from:docker")}}}}"},"other.io":{"auth":"{{{{Base64("only:docker")}}}}"}}}""");
        var provider = new AuthFileCredentialProvider([_work.Combine("missing.json"), podman, docker]);

        Assert.Equal("from:podman", Describe(await provider.GetCredentialAsync("example.com", CancellationToken.None)));
        Assert.Equal("only:docker", Describe(await provider.GetCredentialAsync("other.io", CancellationToken.None)));
    }

    [Fact]
    public async Task Cred_helpers_entry_wins_over_creds_store_and_auths()
    {
        var helper = new ScriptedCredentialHelper(_work.Combine("bin"));
        var store = new ScriptedCredentialHelper(_work.Combine("bin"), "store");
        helper.Seed("127.0.0.1:5000", "helped", "from-helper");
        store.Seed("127.0.0.1:5000", "stored", "from-store");
        var file = Write("config.json", $$$$"""
            {"credsStore":"store","credHelpers":{"127.0.0.1:5000":"test"},
             "auths":{"127.0.0.1:5000":{"auth":"{{{{Base64("file:entry")}}}}"}}}
            """);

        var credential = await new AuthFileCredentialProvider([file], helper.Directory).GetCredentialAsync("127.0.0.1:5000", CancellationToken.None);

        Assert.Equal("helped:from-helper", Describe(credential));
    }

    [Fact]
    public async Task Creds_store_is_asked_with_docker_hubs_server_url_and_a_token_user_means_an_identity_token()
    {
        var helper = new ScriptedCredentialHelper(_work.Combine("bin"));
        helper.Seed("https://index.docker.io/v1/", "<token>", "hub-identity");
        var file = Write("config.json", """{"credsStore":"test","auths":{"https://index.docker.io/v1/":{}}}""");

        var credential = await new AuthFileCredentialProvider([file], helper.Directory).GetCredentialAsync("docker.io", CancellationToken.None);

        Assert.Equal("token:hub-identity", Describe(credential));
    }

    [Fact]
    public async Task Creds_store_without_the_registry_falls_back_to_auths()
    {
        var helper = new ScriptedCredentialHelper(_work.Combine("bin"));
        var file = Write("config.json", $$$$"""{"credsStore":"test","auths":{"example.com":{"auth":"{{{{Base64("file:entry")}}}}"}}}""");

        var credential = await new AuthFileCredentialProvider([file], helper.Directory).GetCredentialAsync("example.com", CancellationToken.None);

        Assert.Equal("file:entry", Describe(credential));
    }

    [Fact]
    public async Task Missing_helper_is_an_error_naming_it()
    {
        var file = Write("config.json", """{"credsStore":"nonexistent"}""");

        var error = await Assert.ThrowsAsync<RegistryClientException>(async () =>
            await new AuthFileCredentialProvider([file], _work.Combine("empty-path")).GetCredentialAsync("example.com", CancellationToken.None));

        Assert.Equal(
            "the credential helper docker-credential-nonexistent is not installed (not found on the PATH); install it, or remove it from the auth file's credsStore/credHelpers",
            error.Message);
    }

    [Theory]
    [InlineData("""{"auths":""", "is not valid JSON")]
    [InlineData("""{"auths":{"example.com":{"auth":"not base64!"}}}""", "in {0} is not base64")]
    [InlineData("""{"auths":{"example.com":{"auth":"bm9jb2xvbg=="}}}""", "in {0} is not base64 of user:password")]
    public async Task Broken_files_are_errors_naming_the_file(string json, string expected)
    {
        var file = Write("config.json", json);

        var error = await Assert.ThrowsAsync<RegistryClientException>(async () =>
            await new AuthFileCredentialProvider([file]).GetCredentialAsync("example.com", CancellationToken.None));

        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, file), error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_chosen_file_the_runtime_auth_json_is_primary_and_searched_before_the_others()
    {
        var runtime = _work.Combine("run-user");
        Directory.CreateDirectory(runtime);
        var environment = new Dictionary<string, string?> { ["HOME"] = "/home/u", ["XDG_RUNTIME_DIR"] = runtime };

        var locations = AuthFileLocations.Resolve(environment: environment.GetValueOrDefault);

        Assert.Equal(Path.Combine(runtime, "containers", "auth.json"), locations.Primary);
        Assert.Equal([locations.Primary, "/home/u/.config/containers/auth.json", "/home/u/.docker/config.json"], locations.SearchOrder);

        environment["XDG_CONFIG_HOME"] = "/home/u/cfg";
        environment["XDG_RUNTIME_DIR"] = _work.Combine("no-such-directory");
        var withoutRuntime = AuthFileLocations.Resolve(environment: environment.GetValueOrDefault);
        Assert.Matches("^/run/containers/[0-9]+/auth.json$", withoutRuntime.Primary);
        Assert.Equal([withoutRuntime.Primary, "/home/u/cfg/containers/auth.json", "/home/u/.docker/config.json"], withoutRuntime.SearchOrder);
    }

    [Theory]
    [InlineData("/given/auth.json", "/env/auth.json", "/docker", "/given/auth.json")]
    [InlineData(null, "/env/auth.json", "/docker", "/env/auth.json")]
    [InlineData(null, null, "/docker", "/docker/config.json")]
    public void A_chosen_file_is_primary_and_read_alone_authfile_then_registry_auth_file_then_docker_config(
        string? authFile, string? registryAuthFile, string? dockerConfig, string expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = "/home/u",
            ["XDG_RUNTIME_DIR"] = _work.Path,
            ["REGISTRY_AUTH_FILE"] = registryAuthFile,
            ["DOCKER_CONFIG"] = dockerConfig,
        };

        var locations = AuthFileLocations.Resolve(authFile, environment.GetValueOrDefault);

        Assert.Equal(expected, locations.Primary);
        Assert.Equal([expected], locations.SearchOrder);
    }

    private static string? Describe(RegistryCredential? credential) => credential switch
    {
        null => null,
        { IdentityToken: { } token } => $"token:{token}",
        _ => $"{credential.Username}:{credential.Password}",
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private string Write(string name, string json)
    {
        var path = _work.Combine(name);
        File.WriteAllText(path, json);
        return path;
    }
}
