using System.Text;
using System.Text.Json.Nodes;

using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;

namespace Hyper.Distribution.Tests.Registry.Credentials;

/// <summary>What login and logout write: docker's config.json (atomically, owner-only, the rest kept) or its credential helper.</summary>
public sealed class AuthFileCredentialStoreTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Store_writes_base64_auth_readable_by_the_owner_only_and_keeps_the_rest_of_the_file()
    {
        var config = _work.Combine("docker", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        await File.WriteAllTextAsync(config, """
            {"auths":{"https://127.0.0.1:5000/":{"auth":"b2xkOm9sZA=="},"other.io":{"auth":"eDp5"}},
             "psFormat":"table {{.ID}}","proxies":{"default":{"httpProxy":"http://proxy:3128"}}}
            """);
        var store = new AuthFileCredentialStore(config);

        var where = await store.StoreAsync("127.0.0.1:5000", new RegistryCredential("user", "pa:ss"), CancellationToken.None);

        Assert.Equal(config, where);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pa:ss")), (string?)json["auths"]!["127.0.0.1:5000"]!["auth"]);
        // The old spelling of the same registry is gone; other registries and settings stay.
        Assert.Null(json["auths"]!["https://127.0.0.1:5000/"]);
        Assert.Equal("eDp5", (string?)json["auths"]!["other.io"]!["auth"]);
        Assert.Equal("table {{.ID}}", (string?)json["psFormat"]);
        Assert.Equal("http://proxy:3128", (string?)json["proxies"]!["default"]!["httpProxy"]);
        Assert.Equal(["config.json"], Directory.GetFiles(Path.GetDirectoryName(config)!).Select(Path.GetFileName));

        var read = await new AuthFileCredentialProvider([config]).GetCredentialAsync("127.0.0.1:5000", CancellationToken.None);
        Assert.Equal(new RegistryCredential("user", "pa:ss"), read);
    }

    [Fact]
    public async Task Docker_hub_is_stored_under_its_v1_key_and_erase_removes_it()
    {
        var config = _work.Combine("config.json");
        var store = new AuthFileCredentialStore(config);

        await store.StoreAsync("docker.io", new RegistryCredential("hubuser", "hubpass"), CancellationToken.None);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!;

        Assert.NotNull(json["auths"]!["https://index.docker.io/v1/"]);
        Assert.True(await store.EraseAsync("docker.io", CancellationToken.None));
        Assert.False(await store.EraseAsync("docker.io", CancellationToken.None));
        Assert.Null(await new AuthFileCredentialProvider([config]).GetCredentialAsync("docker.io", CancellationToken.None));
    }

    [Fact]
    public async Task With_a_creds_store_the_helper_keeps_the_secret_and_the_file_an_empty_entry()
    {
        var helper = new ScriptedCredentialHelper(_work.Combine("bin"));
        var config = _work.Combine("config.json");
        await File.WriteAllTextAsync(config, """{"credsStore":"test"}""");
        var store = new AuthFileCredentialStore(config, helper.Directory);

        var where = await store.StoreAsync("127.0.0.1:5000", new RegistryCredential("user", "secret"), CancellationToken.None);

        Assert.Equal("the credential helper docker-credential-test", where);
        var kept = JsonNode.Parse(helper.Stored("127.0.0.1:5000")!)!;
        Assert.Equal("127.0.0.1:5000", (string?)kept["ServerURL"]);
        Assert.Equal("user", (string?)kept["Username"]);
        Assert.Equal("secret", (string?)kept["Secret"]);
        Assert.DoesNotContain("secret", await File.ReadAllTextAsync(config), StringComparison.Ordinal);
        Assert.Equal(
            new RegistryCredential("user", "secret"),
            await new AuthFileCredentialProvider([config], helper.Directory).GetCredentialAsync("127.0.0.1:5000", CancellationToken.None));

        Assert.True(await store.EraseAsync("127.0.0.1:5000", CancellationToken.None));
        Assert.Null(helper.Stored("127.0.0.1:5000"));
        Assert.Null(JsonNode.Parse(await File.ReadAllTextAsync(config))!["auths"]!["127.0.0.1:5000"]);
    }
}
