using System.CommandLine;
using System.Text.Json.Nodes;

using Hyper.Cli.Commands;
using Hyper.Distribution;
using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;
using Hyper.Oci;
using Hyper.Oci.Layout;
using Hyper.Testing;
using Hyper.Testing.Registry;

namespace Hyper.Cli.Tests.Commands;

/// <summary>
/// <c>hyperbuild login</c> and <c>logout</c>, run as the real executable with its own environment
/// (DOCKER_CONFIG, HOME, PATH) against CNCF Distribution with htpasswd auth.
/// </summary>
public sealed class LoginCommandTests(DistributionRegistryFixture fixture) : IClassFixture<DistributionRegistryFixture>, IDisposable
{
    private readonly TempDirectory _work = new();

    private DistributionRegistry Registry => fixture.Registry;

    private string ConfigFile => _work.Combine("docker", "config.json");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Login_keeps_the_credentials_a_pull_then_uses_and_logout_removes_them()
    {
        var image = await PushAsync("login/app");

        var login = await HyperbuildAsync(Registry.Password + "\n", "login", "-u", Registry.User, "--password-stdin", Registry.HostAndPort);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal("Login Succeeded\n", login.StandardOutput);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConfigFile));
        var auth = (string?)JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile))!["auths"]![Registry.HostAndPort]!["auth"];
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Registry.User}:{Registry.Password}")), auth);

        var pulled = await PullAsync("login/app", "after-login");
        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);

        var logout = await HyperbuildAsync(null, "logout", Registry.HostAndPort);
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Equal($"Removing login credentials for {Registry.HostAndPort}\n", logout.StandardOutput);
        Assert.Null(JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile))!["auths"]![Registry.HostAndPort]);
        var error = await Assert.ThrowsAsync<RegistryClientException>(() => PullAsync("login/app", "after-logout"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);

        var again = await HyperbuildAsync(null, "logout", Registry.HostAndPort);
        Assert.Equal($"Not logged in to {Registry.HostAndPort}\n", again.StandardOutput);
    }

    /// <summary>Each way of naming the auth file, as podman resolves them: where login must write and copy read.</summary>
    public static TheoryData<string> CredentialLocations => ["REGISTRY_AUTH_FILE", "--authfile", "DOCKER_CONFIG", "default"];

    [Theory]
    [MemberData(nameof(CredentialLocations))]
    public async Task Login_then_push_works_with_every_credential_location(string location)
    {
        var source = await OciLayout.CreateAsync(_work.Combine("push-source"));
        await TestImages.WriteAsync(source, "v1", name: "pushed");
        var runtime = Directory.CreateDirectory(_work.Combine("runtime")).FullName;
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = null,
            ["HOME"] = _work.Path,
            ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
            ["XDG_RUNTIME_DIR"] = runtime,
            ["XDG_CONFIG_HOME"] = null,
            ["REGISTRY_AUTH_FILE"] = null,
        };
        string[] options = [];
        string expectedFile;
        switch (location)
        {
            case "REGISTRY_AUTH_FILE":
                expectedFile = _work.Combine("env-auth.json");
                environment["REGISTRY_AUTH_FILE"] = expectedFile;
                break;
            case "--authfile":
                expectedFile = _work.Combine("flag", "auth.json");
                // The flag wins over the environment.
                environment["REGISTRY_AUTH_FILE"] = _work.Combine("not-this.json");
                options = ["--authfile", expectedFile];
                break;
            case "DOCKER_CONFIG":
                environment["DOCKER_CONFIG"] = _work.Combine("dockercfg");
                expectedFile = _work.Combine("dockercfg", "config.json");
                break;
            default:
                expectedFile = Path.Combine(runtime, "containers", "auth.json");
                break;
        }

        var login = await ExternalProcess.RunAsync(
            "dotnet", environment, Registry.Password, [HyperbuildDll, "login", "-u", Registry.User, "--password-stdin", .. options, Registry.HostAndPort]);
        var push = await ExternalProcess.RunAsync(
            "dotnet", environment, null, [HyperbuildDll, "copy", "-q", .. options, $"oci:{source.Path}:v1", $"docker://{Registry.HostAndPort}/login/{location.Trim('-').ToLowerInvariant()}:v1"]);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal($"credentials for {Registry.HostAndPort} kept in {expectedFile}\n", login.StandardError);
        Assert.True(File.Exists(expectedFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(expectedFile));
        Assert.True(push.ExitCode == 0, push.ToString());

        var logout = await ExternalProcess.RunAsync("dotnet", environment, null, [HyperbuildDll, "logout", .. options, Registry.HostAndPort]);
        Assert.Equal($"Removing login credentials for {Registry.HostAndPort}\n", logout.StandardOutput);
        var refused = await ExternalProcess.RunAsync(
            "dotnet", environment, null, [HyperbuildDll, "copy", "-q", .. options, $"oci:{source.Path}:v1", $"docker://{Registry.HostAndPort}/login/after-logout:v1"]);
        Assert.Equal(1, refused.ExitCode);
    }

    [Fact]
    public async Task Podman_tools_read_what_login_kept_in_the_default_place()
    {
        var image = await PushAsync("login/skopeo");
        var runtime = Directory.CreateDirectory(_work.Combine("runtime")).FullName;
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = null,
            ["HOME"] = _work.Path,
            ["XDG_RUNTIME_DIR"] = runtime,
            ["XDG_CONFIG_HOME"] = null,
            ["REGISTRY_AUTH_FILE"] = null,
        };

        var login = await ExternalProcess.RunAsync("dotnet", environment, Registry.Password, [HyperbuildDll, "login", "-u", Registry.User, "--password-stdin", Registry.HostAndPort]);
        var skopeo = await ExternalProcess.RunAsync("skopeo", environment, null, ["inspect", "--raw", "--tls-verify=false", $"docker://{Registry.HostAndPort}/login/skopeo:v1"]);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.True(skopeo.ExitCode == 0, skopeo.ToString());
        Assert.Equal(image.Manifest.Bytes.ToArray(), System.Text.Encoding.UTF8.GetBytes(skopeo.StandardOutput));
    }

    [Fact]
    public async Task Wrong_password_fails_with_exit_1_and_a_message_and_stores_nothing()
    {
        var result = await HyperbuildAsync("not-the-password", "login", "-u", Registry.User, "--password-stdin", Registry.HostAndPort);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"hyperbuild login: unauthorized: incorrect username or password: the registry refused user '{Registry.User}' for {Registry.HostAndPort}; check the credentials or log in again\n",
            result.StandardError);
        Assert.Equal(string.Empty, result.StandardOutput);
        Assert.False(File.Exists(ConfigFile));
    }

    [Fact]
    public async Task With_a_creds_store_login_and_logout_go_through_the_helper()
    {
        var helper = new ScriptedCredentialHelper(_work.Combine("bin"));
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigFile)!);
        await File.WriteAllTextAsync(ConfigFile, """{"credsStore":"test"}""");

        var login = await HyperbuildAsync(Registry.Password, "login", "-u", Registry.User, "--password-stdin", Registry.HostAndPort);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal($"credentials for {Registry.HostAndPort} kept in the credential helper docker-credential-test\n", login.StandardError);
        Assert.NotNull(helper.Stored(Registry.HostAndPort));
        Assert.DoesNotContain(Registry.Password, await File.ReadAllTextAsync(ConfigFile), StringComparison.Ordinal);

        var logout = await HyperbuildAsync(null, "logout", Registry.HostAndPort);
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Null(helper.Stored(Registry.HostAndPort));
    }

    [Theory]
    [InlineData("", new[] { "--password-stdin" }, "hyperbuild login: --password-stdin: standard input was empty; pipe the password in")]
    [InlineData("secret", new[] { "--password-stdin", "-p", "secret" }, "hyperbuild login: --password and --password-stdin are mutually exclusive")]
    public async Task Password_options_used_wrongly_fail_plainly(string input, string[] options, string expected)
    {
        var root = new RootCommand { LoginCommand.Create(new StringReader(input)) };
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await root.Parse(["login", "-u", "user", .. options, "127.0.0.1:1"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(1, exitCode);
        Assert.Equal(expected, error.ToString().Trim());
    }

    /// <summary>Runs the built hyperbuild with a docker config, home and PATH of this test's own.</summary>
    private Task<ExternalProcess.Result> HyperbuildAsync(string? standardInput, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = Path.GetDirectoryName(ConfigFile),
            ["HOME"] = _work.Path,
            ["PATH"] = $"{_work.Combine("bin")}:{Environment.GetEnvironmentVariable("PATH")}",
            ["XDG_RUNTIME_DIR"] = null,
            ["XDG_CONFIG_HOME"] = null,
            ["REGISTRY_AUTH_FILE"] = null,
        };
        return ExternalProcess.RunAsync("dotnet", environment, standardInput, [HyperbuildDll, .. arguments]);
    }

    private static string HyperbuildDll => Path.Combine(AppContext.BaseDirectory, "hyperbuild.dll");

    /// <summary>Pulls as hyperbuild would, with the auth files this test's environment names.</summary>
    private async Task<PulledImage> PullAsync(string repository, string destination)
    {
        var environment = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = Path.GetDirectoryName(ConfigFile), ["HOME"] = _work.Path };
        var credentials = AuthFileCredentialProvider.For(AuthFileLocations.Resolve(environment: environment.GetValueOrDefault));
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = credentials });
        return await new ImagePuller(client).PullAsync(
            Reference.Parse($"{Registry.HostAndPort}/{repository}:v1"), Platform.Parse("linux/amd64"), await OciLayout.CreateAsync(_work.Combine(destination)), tag: "v1");
    }

    private async Task<TestImage> PushAsync(string repository)
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: repository);
        await Registry.PushWithSkopeoAsync(source.Path, "v1", $"{repository}:v1");
        return image;
    }
}
