using Hyper.Distribution.Progress;
using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests;

/// <summary>Pulls from a real hyperregistry on 127.0.0.1 into OCI layouts.</summary>
public sealed class ImagePullerTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private static readonly Platform Arm64 = new() { OS = "linux", Architecture = "arm64", Variant = "v8" };

    private readonly TempDirectory _work = new();
    private readonly RegistryClient _client = new();

    private RunningRegistry Registry => fixture.Registry;

    public void Dispose()
    {
        _client.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Pull_of_a_tag_stores_manifest_config_and_layers_with_verified_digests()
    {
        var image = await PushTestImageAsync("pull/tagged", "v1");
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));

        var pulled = await new ImagePuller(_client).PullAsync(Ref("pull/tagged:v1"), Amd64, destination, tag: "v1");

        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
        Assert.Equal(image.Manifest.Bytes.ToArray(), pulled.Manifest.Bytes.ToArray());
        Assert.Equal(image.Manifest.Digest, pulled.Reference.Digest);
        Assert.Equal(image.ConfigBytes, pulled.ConfigBytes.ToArray());
        Assert.Equal(image.DiffIds, pulled.Config.RootFs.DiffIds);
        Assert.Null(pulled.Index);
        Assert.Equal(image.Manifest.Digest, (await destination.ResolveAsync("v1")).Digest);
        foreach (var blob in image.Manifest.Blobs)
        {
            await destination.VerifyBlobAsync(blob.Digest, blob.Size);
        }
    }

    [Fact]
    public async Task Pull_chooses_the_platform_from_an_index()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var index = await MultiPlatformImage.WriteAsync(source, Amd64, Arm64);
        await Registry.PushAsync(source, index, "pull/multi", "latest");
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));

        // "aarch64" without a variant is arm64/v8, as containerd normalises it.
        var pulled = await new ImagePuller(_client).PullAsync(
            Ref("pull/multi"), new Platform { OS = "linux", Architecture = "aarch64" }, destination, tag: "latest");

        var armEntry = index.Children[1];
        Assert.Equal(armEntry.Digest, pulled.Manifest.Digest);
        Assert.Equal("arm64", pulled.Config.Architecture);
        Assert.Equal(index.Digest, pulled.Index!.Digest);
        Assert.True(destination.HasBlob(index.Digest), "the index is kept as a blob");
        var listed = Assert.Single((await destination.ReadIndexAsync()).Manifests);
        Assert.Equal(armEntry.Digest, listed.Digest);
        Assert.Equal(Arm64, listed.Platform);
        Assert.False(destination.HasBlob(index.Children[0].Digest), "the other platform's manifest is not pulled");
    }

    [Fact]
    public async Task Pull_of_an_index_without_the_platform_lists_what_is_available()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var index = await MultiPlatformImage.WriteAsync(source, Amd64, Arm64);
        await Registry.PushAsync(source, index, "pull/noplatform", "latest");
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));

        var error = await Assert.ThrowsAsync<PlatformNotFoundException>(() => new ImagePuller(_client).PullAsync(
            Ref("pull/noplatform"), Platform.Parse("linux/s390x"), destination));

        Assert.Equal(
            $"{Registry.HostAndPort}/pull/noplatform:latest has no image for linux/s390x; available: linux/amd64, linux/arm64/v8",
            error.Message);
        Assert.Empty(destination.ListBlobs());
    }

    [Fact]
    public async Task Blob_with_wrong_content_is_rejected()
    {
        var image = await PushTestImageAsync("pull/corrupt", "v1");
        var layer = image.Layers[1];
        var file = Registry.BlobFile(layer.Digest);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(file, bytes);
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => new ImagePuller(_client).PullAsync(
            Ref("pull/corrupt:v1"), Amd64, destination, tag: "v1"));

        Assert.Contains($"blob {layer.Digest} in {Registry.HostAndPort}/pull/corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains("is corrupt", error.Message, StringComparison.Ordinal);
        Assert.False(destination.HasBlob(layer.Digest));
        Assert.Empty((await destination.ReadIndexAsync()).Manifests);
    }

    [Fact]
    public async Task Blobs_already_in_the_layout_are_not_downloaded_again()
    {
        var image = await PushTestImageAsync("pull/again", "v1");
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));
        var puller = new ImagePuller(_client);
        await puller.PullAsync(Ref("pull/again:v1"), Amd64, destination, tag: "v1");
        // Were the layers fetched again, this damage on the registry would fail the pull.
        foreach (var layer in image.Layers)
        {
            await File.WriteAllBytesAsync(Registry.BlobFile(layer.Digest), new byte[layer.Size]);
        }

        var progress = new RecordingProgress();
        var pulled = await puller.PullAsync(Ref("pull/again:v1"), Amd64, destination, tag: "again", progress);

        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
        var finalStates = progress.Reports.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.Last().State);
        Assert.Equal(3, finalStates.Count);
        Assert.All(finalStates.Values, state => Assert.Equal(TransferState.Skipped, state));
    }

    [Fact]
    public async Task Pull_reports_progress_per_blob_from_waiting_to_done()
    {
        var image = await PushTestImageAsync("pull/progress", "v1");
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));
        var progress = new RecordingProgress();

        await new ImagePuller(_client).PullAsync(Ref("pull/progress:v1"), Amd64, destination, progress: progress);

        foreach (var blob in image.Manifest.Blobs)
        {
            var states = progress.Reports.Where(r => r.Id == blob.Digest.ToString()).ToList();
            Assert.Equal(TransferState.Waiting, states[0].State);
            Assert.Equal(TransferState.Done, states[^1].State);
            Assert.Equal(blob.Size, states[^1].Completed);
        }

        Assert.Equal("config", progress.Reports.First(r => r.Id == image.ConfigDescriptor.Digest.ToString()).Description);
    }

    [Fact]
    public async Task Docker_schema2_manifests_are_kept_as_they_are()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, name: "docker");
        var docker = Manifest.Create(new ImageManifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = image.ConfigDescriptor with { MediaType = MediaTypes.DockerConfig },
            Layers = [.. image.Layers.Select(l => l with { MediaType = MediaTypes.DockerLayerGzip })],
        });
        await Registry.PushAsync(source, docker, "pull/docker", "v2");
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));

        var pulled = await new ImagePuller(_client).PullAsync(Ref("pull/docker:v2"), Amd64, destination, tag: "v2");

        Assert.Equal(MediaTypes.DockerManifest, pulled.Manifest.MediaType);
        Assert.Equal(docker.Bytes.ToArray(), pulled.Manifest.Bytes.ToArray());
        Assert.Equal(docker.Digest, (await destination.ResolveAsync("v2")).Digest);
    }

    [Fact]
    public async Task Pull_without_a_tag_stores_the_image_without_listing_it()
    {
        var image = await PushTestImageAsync("pull/untagged", "v1");
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));

        await new ImagePuller(_client).PullAsync(Ref("pull/untagged:v1"), Amd64, destination);

        Assert.True(destination.HasBlob(image.Manifest.Digest));
        Assert.Empty((await destination.ReadIndexAsync()).Manifests);
    }

    private Reference Ref(string repositoryAndTag) => Reference.Parse($"{Registry.HostAndPort}/{repositoryAndTag}");

    private async Task<TestImage> PushTestImageAsync(string repository, string tag)
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source-" + repository.Replace('/', '-')));
        var image = await TestImages.WriteAsync(source, name: repository);
        await Registry.PushAsync(source, image.Manifest, repository, tag);
        return image;
    }

    /// <summary>Keeps every report, synchronously: <see cref="Progress{T}"/> would post them to the thread pool out of order.</summary>
    private sealed class RecordingProgress : IProgress<TransferProgress>
    {
        private readonly List<TransferProgress> _reports = [];

        public IReadOnlyList<TransferProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(TransferProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
