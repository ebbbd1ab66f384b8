using System.Net;

using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>
/// The OAuth2 side of Bearer auth against a token server that wants credentials: refresh tokens it hands
/// out, identity tokens from docker config, and the GET fallback for servers without the POST form.
/// </summary>
public sealed class TokenRefreshTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private static readonly RegistryCredential Puller = new(AuthenticatingProxy.User, AuthenticatingProxy.Password);

    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Refresh_token_from_the_first_grant_is_traded_with_post_for_the_next_scope()
    {
        await using var proxy = await StartProxyAsync("refresh/one", "refresh/two");
        using var client = ClientWith(Puller);

        await client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/refresh/one:v1"), CancellationToken.None);
        await client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/refresh/two:v1"), CancellationToken.None);

        Assert.Equal(["GET puller offline", "POST refresh_token"], proxy.TokenGrants);
        Assert.Equal(["repository:refresh/one:pull", "repository:refresh/two:pull"], proxy.TokenRequests);
    }

    [Fact]
    public async Task Identity_token_is_traded_with_post_and_never_sent_as_a_password()
    {
        var image = await PushAsync("refresh/identity");
        await using var proxy = await AuthenticatingProxy.StartAsync(fixture.Registry, AuthenticatingProxy.Scheme.BearerWithCredentials);
        using var client = ClientWith(RegistryCredential.FromIdentityToken(AuthenticatingProxy.IdentityToken));

        var pulled = await new ImagePuller(client).PullAsync(
            Reference.Parse($"{proxy.HostAndPort}/refresh/identity:v1"), Platform.Parse("linux/amd64"), await OciLayout.CreateAsync(_work.Combine("dest")), tag: "v1");

        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
        Assert.Equal(["POST refresh_token"], proxy.TokenGrants);
    }

    [Fact]
    public async Task Server_without_the_post_form_gets_get_with_the_password_instead()
    {
        await using var proxy = await StartProxyAsync("refresh/nopost-one", "refresh/nopost-two");
        proxy.TokenPostSupported = false;
        using var client = ClientWith(Puller);

        await client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/refresh/nopost-one:v1"), CancellationToken.None);
        await client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/refresh/nopost-two:v1"), CancellationToken.None);

        Assert.Equal(["GET puller offline", "POST unsupported", "GET puller offline"], proxy.TokenGrants);
    }

    [Fact]
    public async Task Refused_identity_token_says_so_and_what_to_do()
    {
        await using var proxy = await StartProxyAsync("refresh/refused");
        using var client = ClientWith(RegistryCredential.FromIdentityToken("expired-identity"));

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/refresh/refused:v1"), CancellationToken.None));

        Assert.Equal(
            $"unauthorized: the token server http://{proxy.HostAndPort}/token refused the identity token of '<token>' (401 Unauthorized); log in again",
            error.Message);
        Assert.Equal(["POST refused"], proxy.TokenGrants);
    }

    [Fact]
    public async Task Wrong_password_at_the_token_server_is_incorrect_username_or_password()
    {
        await using var proxy = await StartProxyAsync("refresh/wrong");
        using var client = ClientWith(new RegistryCredential(AuthenticatingProxy.User, "wrong"));

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/refresh/wrong:v1"), CancellationToken.None));

        Assert.Equal(
            $"unauthorized: incorrect username or password: the token server http://{proxy.HostAndPort}/token refused user 'puller' (401 Unauthorized)",
            error.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private static RegistryClient ClientWith(RegistryCredential credential) =>
        new(new RegistryClientOptions { Credentials = IRegistryCredentialProvider.FromCallback(_ => credential) });

    private async Task<AuthenticatingProxy> StartProxyAsync(params string[] repositories)
    {
        foreach (var repository in repositories)
        {
            await PushAsync(repository);
        }

        return await AuthenticatingProxy.StartAsync(fixture.Registry, AuthenticatingProxy.Scheme.BearerWithCredentials);
    }

    private Task<TestImage> PushAsync(string repository) => fixture.Registry.PushTestImageAsync(_work.Path, repository, "v1");
}
