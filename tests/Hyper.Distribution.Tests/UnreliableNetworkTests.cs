using Hyper.Distribution.Content;
using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests;

/// <summary>
/// Push and pull through <see cref="FaultInjectingProxy"/>: connections cut in the middle of a layer in either
/// direction, and 503/429 answers now and then. Everything completes, resumes where it broke, and is byte-identical.
/// </summary>
public sealed class UnreliableNetworkTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private const int Chunk = 256 * 1024;
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");

    private readonly TempDirectory _work = new();

    // Short waits keep the tests quick; the policy is the one real pushes use.
    private readonly RegistryClient _client = new(new RegistryClientOptions { UploadChunkSize = Chunk, RetryDelay = TimeSpan.FromMilliseconds(20) });

    private RunningRegistry Registry => fixture.Registry;

    public void Dispose()
    {
        _client.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Upload_cut_in_the_middle_of_a_chunk_resumes_at_the_offset_the_registry_reports()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 1_000_000, seed: 2);
        var large = manifest.Image!.Layers[1];
        await using var proxy = await FaultInjectingProxy.StartAsync(Registry);
        proxy.DropUploadAfter = 100_000;

        await new ImagePusher(_client).PushAsync(new LayoutImageContent(source, manifest), Reference.Parse($"{proxy.HostAndPort}/faults/upload:v1"));

        var patches = (await proxy.SettledRequestsAsync()).Where(r => r.Method == "PATCH").ToList();
        Assert.Equal("0-99999", patches[0].ContentRange);
        Assert.StartsWith("100000-", patches[1].ContentRange, StringComparison.Ordinal);
        // Only the rest went again: the registry received every byte exactly once.
        Assert.Equal(large.Size, patches.Sum(p => p.BodyBytes));
        Assert.Single(await proxy.SettledRequestsAsync(), r => r.Method == "GET" && r.Target.Contains("/blobs/uploads/", StringComparison.Ordinal));
        await AssertPullsIdenticalAsync(source, manifest, Reference.Parse($"{Registry.HostAndPort}/faults/upload:v1"));
    }

    [Fact]
    public async Task Download_cut_in_the_middle_of_a_layer_resumes_with_a_range()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 1_000_000, seed: 3);
        var large = manifest.Image!.Layers[1];
        await new ImagePusher(_client).PushAsync(new LayoutImageContent(source, manifest), Reference.Parse($"{Registry.HostAndPort}/faults/download:v1"));
        await using var proxy = await FaultInjectingProxy.StartAsync(Registry);
        proxy.DropDownloadAfter = 300_000;

        await AssertPullsIdenticalAsync(source, manifest, Reference.Parse($"{proxy.HostAndPort}/faults/download:v1"));

        var gets = (await proxy.SettledRequestsAsync()).Where(r => r.Method == "GET" && r.Target.EndsWith(large.Digest.ToString(), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Equal(300_000, gets[0].ResponseBytes);
        // A cut connection loses what was still in flight, so the client resumes from what it had received
        // (at most what was sent), and only the rest is sent again.
        var resumedAt = long.Parse(gets[1].Range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, 1, 300_000);
        Assert.Equal(large.Size - resumedAt, gets[1].ResponseBytes);
    }

    [Fact]
    public async Task Push_and_pull_ride_out_503_and_429_answers()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 700_000, seed: 4);
        await using var proxy = await FaultInjectingProxy.StartAsync(Registry);
        proxy.FailEvery = 4;
        var reference = Reference.Parse($"{proxy.HostAndPort}/faults/busy:v1");

        var pushed = await new ImagePusher(_client).PushAsync(new LayoutImageContent(source, manifest), reference);
        await AssertPullsIdenticalAsync(source, manifest, reference);

        Assert.Equal(manifest.Digest, pushed.Digest);
        Assert.Contains(await proxy.SettledRequestsAsync(), r => r.Status == 503);
        Assert.Contains(await proxy.SettledRequestsAsync(), r => r.Status == 429);
    }

    [Fact]
    public async Task Everything_at_once_still_gives_identical_bytes()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 1_000_000, seed: 5);
        await using var proxy = await FaultInjectingProxy.StartAsync(Registry);
        proxy.FailEvery = 5;
        proxy.DropUploadAfter = 50_000;
        proxy.DropDownloadAfter = 500_000;
        var reference = Reference.Parse($"{proxy.HostAndPort}/faults/all:v1");

        await new ImagePusher(_client).PushAsync(new LayoutImageContent(source, manifest), reference);
        await AssertPullsIdenticalAsync(source, manifest, reference);
    }

    private async Task AssertPullsIdenticalAsync(OciLayout source, Manifest manifest, Reference reference)
    {
        var destination = await OciLayout.CreateAsync(_work.Combine("dest-" + Guid.NewGuid().ToString("N")));
        var pulled = await new ImagePuller(_client).PullAsync(reference, Amd64, destination);
        Assert.Equal(manifest.Bytes.ToArray(), pulled.Manifest.Bytes.ToArray());
        foreach (var blob in manifest.Blobs)
        {
            Assert.Equal(await source.ReadBlobAsync(blob), await destination.ReadBlobAsync(blob));
        }
    }
}
