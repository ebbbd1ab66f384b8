using System.Net;
using System.Text;

using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>Credentials against the reference registry, CNCF Distribution 2.8 with htpasswd (Basic) auth, fed by skopeo.</summary>
public sealed class DistributionRegistryAuthTests(DistributionRegistryFixture fixture) : IClassFixture<DistributionRegistryFixture>, IDisposable
{
    private readonly TempDirectory _work = new();

    private DistributionRegistry Registry => fixture.Registry;

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Pull_with_the_credentials_of_a_docker_config_works()
    {
        var image = await PushWithSkopeoAsync("auth/pull");
        var config = _work.Combine("config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Registry.User}:{Registry.Password}"));
        await File.WriteAllTextAsync(config, $$$$"""{"auths":{"http://{{{{Registry.HostAndPort}}}}":{"auth":"{{{{auth}}}}"}}}""");
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = new AuthFileCredentialProvider([config]) });

        var pulled = await new ImagePuller(client).PullAsync(
            Reference.Parse($"{Registry.HostAndPort}/auth/pull:v1"), Platform.Parse("linux/amd64"), await OciLayout.CreateAsync(_work.Combine("dest")), tag: "v1");

        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
        await client.VerifyAccessAsync(Registry.HostAndPort, CancellationToken.None);
    }

    [Fact]
    public async Task Wrong_password_is_incorrect_username_or_password()
    {
        await PushWithSkopeoAsync("auth/wrong");
        using var client = new RegistryClient(new RegistryClientOptions
        {
            Credentials = IRegistryCredentialProvider.FromCallback(_ => new RegistryCredential(Registry.User, "not-the-password")),
        });

        var pull = await Assert.ThrowsAsync<RegistryClientException>(() =>
            client.GetManifestAsync(Reference.Parse($"{Registry.HostAndPort}/auth/wrong:v1"), CancellationToken.None));
        var login = await Assert.ThrowsAsync<RegistryClientException>(() => client.VerifyAccessAsync(Registry.HostAndPort, CancellationToken.None));

        Assert.Equal(
            $"unauthorized: incorrect username or password: the registry refused user 'hyper' for {Registry.HostAndPort}/auth/wrong:v1; check the credentials or log in again",
            pull.Message);
        Assert.Equal(
            $"unauthorized: incorrect username or password: the registry refused user 'hyper' for {Registry.HostAndPort}; check the credentials or log in again",
            login.Message);
        Assert.Equal(RegistryErrorCodes.Unauthorized, pull.ErrorCode);
        Assert.Equal(HttpStatusCode.Unauthorized, pull.StatusCode);
    }

    [Fact]
    public async Task No_credentials_is_authentication_required()
    {
        await PushWithSkopeoAsync("auth/anonymous");
        using var client = new RegistryClient();

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            client.GetManifestAsync(Reference.Parse($"{Registry.HostAndPort}/auth/anonymous:v1"), CancellationToken.None));

        Assert.Equal(
            $"unauthorized: authentication required for {Registry.HostAndPort}/auth/anonymous:v1; log in to the registry or check the credentials",
            error.Message);
    }

    private async Task<TestImage> PushWithSkopeoAsync(string repository)
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source-" + repository.Replace('/', '-')));
        var image = await TestImages.WriteAsync(source, "v1", name: repository);
        await Registry.PushWithSkopeoAsync(source.Path, "v1", $"{repository}:v1");
        return image;
    }
}
