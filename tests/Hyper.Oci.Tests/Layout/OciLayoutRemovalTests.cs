using Hyper.Oci.Layout;

namespace Hyper.Oci.Tests.Layout;

public sealed class OciLayoutRemovalTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Removing_a_tag_unlists_the_image_but_keeps_its_blobs()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var blobsBefore = layout.ListBlobs();

        var removed = await layout.RemoveTagAsync("latest");

        Assert.True(removed);
        Assert.Empty((await layout.ReadIndexAsync()).Manifests);
        Assert.Equal(blobsBefore, layout.ListBlobs());
        Assert.True(layout.HasBlob(image.Manifest.Digest));
    }

    [Fact]
    public async Task Removing_a_tag_that_is_not_there_returns_false_and_leaves_the_index_alone()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "latest");
        var indexBefore = await File.ReadAllBytesAsync(Path.Combine(layout.Path, OciLayout.IndexFileName));

        var removed = await layout.RemoveTagAsync("v9");

        Assert.False(removed);
        Assert.Equal(indexBefore, await File.ReadAllBytesAsync(Path.Combine(layout.Path, OciLayout.IndexFileName)));
    }

    [Fact]
    public async Task Removing_one_tag_keeps_the_image_under_its_other_tags()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        await layout.AddManifestAsync(image.Manifest, "v1");

        await layout.RemoveTagAsync("latest");

        var entry = Assert.Single((await layout.ReadIndexAsync()).Manifests);
        Assert.Equal("v1", entry.RefName);
        Assert.Equal(image.Manifest.Digest, (await layout.ResolveAsync("v1")).Digest);
    }

    [Fact]
    public async Task Removing_a_manifest_removes_every_entry_of_it_and_no_other()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        await layout.AddManifestAsync(image.Manifest, "v1");
        var other = await TestImages.WriteAsync(layout, "other", name: "other");

        var removed = await layout.RemoveManifestAsync(image.Manifest.Digest);

        Assert.True(removed);
        var entry = Assert.Single((await layout.ReadIndexAsync()).Manifests);
        Assert.Equal(other.Manifest.Digest, entry.Digest);
    }

    [Fact]
    public async Task Removing_an_untagged_manifest_removes_its_entry()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, tag: null);

        Assert.True(await layout.RemoveManifestAsync(image.Manifest.Digest));
        Assert.Empty((await layout.ReadIndexAsync()).Manifests);
    }

    [Fact]
    public async Task Removing_a_manifest_that_is_not_listed_returns_false()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "latest");

        Assert.False(await layout.RemoveManifestAsync(Digest.Compute("not a manifest"u8)));
        Assert.Single((await layout.ReadIndexAsync()).Manifests);
    }

    [Fact]
    public async Task Deleting_unreferenced_blobs_frees_the_blobs_of_an_untagged_image_and_reports_their_bytes()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var kept = await TestImages.WriteAsync(layout, "kept", name: "kept");
        var dropped = await TestImages.WriteAsync(layout, "dropped", name: "dropped");
        await layout.RemoveTagAsync("dropped");

        var freed = await layout.DeleteUnreferencedBlobsAsync();

        // The base layer is the same in both test images, so it stays with the kept one.
        Assert.Equal(kept.Layers[0].Digest, dropped.Layers[0].Digest);
        Assert.Equal(dropped.Manifest.Bytes.Length + dropped.ConfigDescriptor.Size + dropped.Layers[1].Size, freed);
        Assert.False(layout.HasBlob(dropped.Manifest.Digest));
        Assert.False(layout.HasBlob(dropped.ConfigDescriptor.Digest));
        Assert.False(layout.HasBlob(dropped.Layers[1].Digest));
        Assert.Equal(
            new[] { kept.Manifest.Digest, kept.ConfigDescriptor.Digest, kept.Layers[0].Digest, kept.Layers[1].Digest }.Order(DigestOrder.Instance),
            layout.ListBlobs().Order(DigestOrder.Instance));
        foreach (var blob in kept.Manifest.Blobs)
        {
            await layout.VerifyBlobAsync(blob.Digest, blob.Size);
        }
    }

    [Fact]
    public async Task Deleting_unreferenced_blobs_keeps_what_an_index_reaches_through_its_child_manifests()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var amd64 = await TestImages.WriteAsync(layout, tag: null, name: "amd64");
        var arm64 = await TestImages.WriteAsync(layout, tag: null, name: "arm64");
        var index = Manifest.Create(new ImageIndex
        {
            Manifests =
            [
                amd64.Manifest.ToDescriptor(platform: Platform.Parse("linux/amd64")),
                arm64.Manifest.ToDescriptor(platform: Platform.Parse("linux/arm64/v8")),
            ],
        });
        await layout.AddManifestAsync(index, "multi");
        // Only the index stays listed: the platform manifests are reachable through it alone.
        await layout.RemoveManifestAsync(amd64.Manifest.Digest);
        await layout.RemoveManifestAsync(arm64.Manifest.Digest);
        var blobsBefore = layout.ListBlobs();

        var freed = await layout.DeleteUnreferencedBlobsAsync();

        Assert.Equal(0, freed);
        Assert.Equal(blobsBefore, layout.ListBlobs());
        // The index, two manifests, two configs, the shared base layer and two app layers.
        Assert.Equal(8, blobsBefore.Count);
    }

    [Fact]
    public async Task Deleting_unreferenced_blobs_removes_a_stray_blob_nothing_refers_to()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var stray = await layout.WriteBlobAsync("left over from an interrupted pull"u8.ToArray(), MediaTypes.OciLayerGzip);

        var freed = await layout.DeleteUnreferencedBlobsAsync();

        Assert.Equal(stray.Size, freed);
        Assert.False(layout.HasBlob(stray.Digest));
        Assert.True(layout.HasBlob(image.Manifest.Digest));
    }

    [Fact]
    public async Task Deleting_unreferenced_blobs_when_every_blob_is_needed_frees_nothing()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "latest");
        var blobsBefore = layout.ListBlobs();

        Assert.Equal(0, await layout.DeleteUnreferencedBlobsAsync());
        Assert.Equal(blobsBefore, layout.ListBlobs());
    }

    [Fact]
    public async Task Deleting_unreferenced_blobs_of_an_empty_index_empties_the_layout()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        await layout.RemoveTagAsync("latest");
        var total = image.Manifest.Bytes.Length + image.Manifest.Blobs.Sum(b => b.Size);

        Assert.Equal(total, await layout.DeleteUnreferencedBlobsAsync());
        Assert.Empty(layout.ListBlobs());
    }

    [Fact]
    public async Task After_removal_and_deletion_skopeo_still_reads_the_image_that_stays()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var kept = await TestImages.WriteAsync(layout, "kept", name: "kept");
        await TestImages.WriteAsync(layout, "dropped", name: "dropped");
        await layout.RemoveTagAsync("dropped");
        await layout.DeleteUnreferencedBlobsAsync();

        // skopeo copy reads every blob, so a missing one would fail it.
        await ExternalProcess.RunCheckedAsync("skopeo", "copy", $"oci:{layout.Path}:kept", $"oci:{_temp.Combine("copy")}:kept");
        var copy = await OciLayout.OpenAsync(_temp.Combine("copy"));
        Assert.Equal(kept.Manifest.Digest, (await copy.ResolveAsync("kept")).Digest);
        var failed = await ExternalProcess.RunAsync("skopeo", "inspect", $"oci:{layout.Path}:dropped");
        Assert.NotEqual(0, failed.ExitCode);
    }

    private sealed class DigestOrder : IComparer<Digest>
    {
        public static readonly DigestOrder Instance = new();

        public int Compare(Digest x, Digest y) => string.CompareOrdinal(x.ToString(), y.ToString());
    }
}
