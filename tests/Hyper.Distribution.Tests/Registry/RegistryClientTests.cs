using System.Net;
using System.Net.Sockets;

using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>The registry API calls and their errors, against a real hyperregistry on 127.0.0.1.</summary>
public sealed class RegistryClientTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly TempDirectory _work = new();
    private readonly RegistryClient _client = new();

    private RunningRegistry Registry => fixture.Registry;

    public void Dispose()
    {
        _client.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Manifest_by_tag_and_by_digest_has_the_exact_bytes()
    {
        var image = await PushTestImageAsync("client/manifest", "v1");

        var byTag = await _client.GetManifestAsync(Ref("client/manifest:v1"), CancellationToken.None);
        var byDigest = await _client.GetManifestAsync(Ref($"client/manifest@{image.Manifest.Digest}"), CancellationToken.None);
        var head = await _client.HeadManifestAsync(Ref("client/manifest:v1"), CancellationToken.None);

        Assert.Equal(image.Manifest.Bytes.ToArray(), byTag.Bytes.ToArray());
        Assert.Equal(image.Manifest.Bytes.ToArray(), byDigest.Bytes.ToArray());
        Assert.Equal(image.Manifest.ToDescriptor(), head);
    }

    [Fact]
    public async Task Unknown_tag_gives_manifest_unknown()
    {
        await PushTestImageAsync("client/known", "v1");

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            _client.GetManifestAsync(Ref("client/known:nope"), CancellationToken.None));

        Assert.Equal($"manifest unknown: {Registry.HostAndPort}/client/known:nope not found", error.Message);
        Assert.Equal(RegistryErrorCodes.ManifestUnknown, error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Null(await _client.HeadManifestAsync(Ref("client/known:nope"), CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_blob_gives_blob_unknown()
    {
        var missing = Descriptor.For("not pushed"u8, MediaTypes.OciLayerGzip);
        await PushTestImageAsync("client/blobs", "v1");

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            _client.GetBlobAsync(Ref("client/blobs"), missing, CancellationToken.None));

        Assert.Equal($"blob unknown: blob {missing.Digest} in {Registry.HostAndPort}/client/blobs not found", error.Message);
        Assert.Equal(RegistryErrorCodes.BlobUnknown, error.ErrorCode);
    }

    [Fact]
    public async Task Manifest_over_the_size_limit_is_refused()
    {
        await PushTestImageAsync("client/large", "v1");
        var options = new RegistryClientOptions { MaxManifestSize = 100 };
        using var client = new RegistryClient(options);

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            client.GetManifestAsync(Ref("client/large:v1"), CancellationToken.None));

        Assert.Equal($"manifest {Registry.HostAndPort}/client/large:v1 is larger than 100 bytes, the most a manifest may have; the registry is sending something else", error.Message);
    }

    [Fact]
    public async Task Unreachable_registry_gives_connection_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        // Refused connections are retried (a registry may be restarting); quickly here.
        using var client = new RegistryClient(new RegistryClientOptions { RetryDelay = TimeSpan.FromMilliseconds(1) });

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            client.GetManifestAsync(Reference.Parse($"127.0.0.1:{port}/app:v1"), CancellationToken.None));

        Assert.Equal($"cannot reach registry 127.0.0.1:{port}: connection refused", error.Message);
        Assert.Equal(RegistryErrorCodes.Unreachable, error.ErrorCode);
    }

    [Fact]
    public async Task Anonymous_bearer_token_flow_is_followed()
    {
        var image = await PushTestImageAsync("client/bearer", "v1");
        await using var proxy = await AuthenticatingProxy.StartAsync(Registry, AuthenticatingProxy.Scheme.Bearer);
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));

        var pulled = await new ImagePuller(_client).PullAsync(
            Reference.Parse($"{proxy.HostAndPort}/client/bearer:v1"), Platform.Parse("linux/amd64"), destination, tag: "v1");

        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
        // One token for the repository's pull scope, fetched on the first challenge and reused after.
        Assert.Equal(["repository:client/bearer:pull"], proxy.TokenRequests);
        Assert.Equal(string.Empty, proxy.RegistryRequests.First());
        Assert.All(proxy.RegistryRequests.Skip(1), header => Assert.StartsWith("Bearer ", header, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Basic_credentials_from_the_callback_are_sent_when_the_registry_asks()
    {
        var image = await PushTestImageAsync("client/basic", "v1");
        await using var proxy = await AuthenticatingProxy.StartAsync(Registry, AuthenticatingProxy.Scheme.Basic);
        var asked = new List<string>();
        var options = new RegistryClientOptions
        {
            Credentials = IRegistryCredentialProvider.FromCallback(host =>
            {
                asked.Add(host);
                return new RegistryCredential(AuthenticatingProxy.User, AuthenticatingProxy.Password);
            }),
        };
        using var client = new RegistryClient(options);

        var manifest = await client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/client/basic:v1"), CancellationToken.None);

        Assert.Equal(image.Manifest.Digest, manifest.Digest);
        Assert.Contains(proxy.HostAndPort, asked);
    }

    [Fact]
    public async Task Basic_challenge_without_credentials_gives_unauthorized()
    {
        await PushTestImageAsync("client/locked", "v1");
        await using var proxy = await AuthenticatingProxy.StartAsync(Registry, AuthenticatingProxy.Scheme.Basic);

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            _client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/client/locked:v1"), CancellationToken.None));

        Assert.Equal(
            $"unauthorized: authentication required for {proxy.HostAndPort}/client/locked:v1; log in to the registry or check the credentials",
            error.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private Reference Ref(string repositoryAndTag) => Reference.Parse($"{Registry.HostAndPort}/{repositoryAndTag}");

    private Task<TestImage> PushTestImageAsync(string repository, string tag) => Registry.PushTestImageAsync(_work.Path, repository, tag);
}
