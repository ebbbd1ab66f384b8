using Hyper.Build.Images;
using Hyper.Oci;

namespace Hyper.Build.Tests.Images;

public sealed class ImageStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Adding_an_image_under_several_names_lists_it_once_per_name_under_full_references()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app");

        await store.AddAsync(image.Manifest, [Reference.Parse("app"), Reference.Parse("127.0.0.1:5000/app:1.0")], platform: null);

        var images = await store.ListAsync();
        Assert.Equal(["docker.io/library/app:latest", "127.0.0.1:5000/app:1.0"], images.Select(i => i.Name?.ToString()));
        Assert.All(images, i => Assert.Equal(image.Manifest.Digest, i.Descriptor.Digest));
        Assert.All(images, i => Assert.Equal(image.ConfigDescriptor.Digest, i.Id));
        Assert.Equal(
            ["docker.io/library/app:latest", "127.0.0.1:5000/app:1.0"],
            (await store.Layout.ReadIndexAsync()).Manifests.Select(d => d.RefName));
    }

    [Fact]
    public async Task Adding_an_image_without_names_keeps_it_once_untagged()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app");

        await store.AddAsync(image.Manifest, [], platform: null);
        await store.AddAsync(image.Manifest, [], platform: null);

        var listed = Assert.Single(await store.ListAsync());
        Assert.Null(listed.Name);
        Assert.Equal(image.Manifest.Digest, listed.Descriptor.Digest);
        Assert.Equal("app", listed.Config.Config!.Labels!["org.example.name"]);
    }

    [Fact]
    public async Task Naming_an_untagged_image_replaces_its_untagged_entry()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app");
        await store.AddAsync(image.Manifest, [], platform: null);

        await store.AddAsync(image.Manifest, [Reference.Parse("app:1")], platform: null);

        var listed = Assert.Single(await store.ListAsync());
        Assert.Equal("docker.io/library/app:1", listed.Name?.ToString());
    }

    [Fact]
    public async Task A_name_moves_to_the_image_added_last_and_the_image_it_left_stays_listed_untagged()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var first = await WriteAsync(store, "first", "app");
        var second = await WriteAsync(store, "second");

        await store.AddAsync(second.Manifest, [Reference.Parse("app")], platform: null);

        Assert.Equal(second.Manifest.Digest, (await store.FindAsync("app"))!.Descriptor.Digest);
        var images = await store.ListAsync();
        Assert.Equal(2, images.Count);
        var left = Assert.Single(images, i => i.Descriptor.Digest == first.Manifest.Digest);
        Assert.Null(left.Name);
        Assert.Equal(first.Manifest.Digest, (await store.FindAsync(first.ConfigDescriptor.Digest.Encoded[..12]))!.Descriptor.Digest);
    }

    [Fact]
    public async Task A_name_moving_away_from_an_image_with_other_names_does_not_add_an_untagged_entry()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var first = await WriteAsync(store, "first", "app", "app:stable");
        var second = await WriteAsync(store, "second");

        await store.AddAsync(second.Manifest, [Reference.Parse("app")], platform: null);

        Assert.Equal(
            ["docker.io/library/app:stable", "docker.io/library/app:latest"],
            (await store.ListAsync()).Select(i => i.Name?.ToString()));
        Assert.Equal(first.Manifest.Digest, (await store.FindAsync("app:stable"))!.Descriptor.Digest);
    }

    [Fact]
    public async Task Finding_by_familiar_name_reads_it_as_docker_does()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "docker.io/library/app:latest");

        foreach (var name in new[] { "app", "app:latest", "library/app", "docker.io/library/app:latest", "index.docker.io/library/app" })
        {
            var found = await store.FindAsync(name);
            Assert.True(found is not null, $"'{name}' was not found");
            Assert.Equal(image.Manifest.Digest, found.Descriptor.Digest);
        }
    }

    [Fact]
    public async Task Finding_by_full_name_on_another_registry_needs_that_registry_and_tag()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "127.0.0.1:5000/team/app:1.0");

        Assert.Equal(image.Manifest.Digest, (await store.FindAsync("127.0.0.1:5000/team/app:1.0"))!.Descriptor.Digest);
        Assert.Null(await store.FindAsync("127.0.0.1:5000/team/app"));
        Assert.Null(await store.FindAsync("team/app:1.0"));
    }

    [Fact]
    public async Task Finding_by_image_id_accepts_the_config_digest_or_a_prefix_of_it()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "app");
        var id = image.ConfigDescriptor.Digest;

        foreach (var text in new[] { id.ToString(), id.Encoded, id.Encoded[..12], id.Encoded[..4], "sha256:" + id.Encoded[..6] })
        {
            Assert.Equal(image.Manifest.Digest, (await store.FindAsync(text))?.Descriptor.Digest);
        }
    }

    [Fact]
    public async Task Finding_by_manifest_digest_accepts_the_digest_or_a_prefix_of_it()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app");
        var digest = image.Manifest.Digest;

        Assert.Equal(digest, (await store.FindAsync(digest.ToString()))?.Descriptor.Digest);
        Assert.Equal(digest, (await store.FindAsync(digest.Encoded[..10]))?.Descriptor.Digest);
    }

    [Fact]
    public async Task Finding_by_fewer_than_four_hex_digits_or_an_unknown_name_finds_nothing()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "app");

        Assert.Null(await store.FindAsync(image.ConfigDescriptor.Digest.Encoded[..3]));
        Assert.Null(await store.FindAsync("other"));
        Assert.Null(await store.FindAsync("app:other"));
    }

    [Fact]
    public async Task A_prefix_shared_by_two_images_is_ambiguous_and_more_digits_decide()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var (first, second) = TwoNamesWhoseImageIdsShareFourDigits();
        var a = await WriteAsync(store, first);
        var b = await WriteAsync(store, second);
        var shared = a.ConfigDescriptor.Digest.Encoded[..4];
        Assert.Equal(shared, b.ConfigDescriptor.Digest.Encoded[..4]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.FindAsync(shared));

        Assert.Contains($"'{shared}' matches 2 images", error.Message, StringComparison.Ordinal);
        Assert.Equal(b.Manifest.Digest, (await store.FindAsync(b.ConfigDescriptor.Digest.Encoded[..16]))?.Descriptor.Digest);
    }

    [Fact]
    public async Task Removing_a_name_keeps_the_image_under_its_other_names()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "app", "app:1");
        var blobs = store.Layout.ListBlobs();

        var removed = await store.RemoveAsync("app");

        Assert.Equal(["docker.io/library/app:latest"], removed);
        var left = Assert.Single(await store.ListAsync());
        Assert.Equal("docker.io/library/app:1", left.Name?.ToString());
        Assert.Equal(blobs, store.Layout.ListBlobs());
        Assert.Equal(image.Manifest.Digest, left.Descriptor.Digest);
    }

    [Fact]
    public async Task Removing_the_last_name_of_an_image_deletes_its_blobs()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "app:1");

        var removed = await store.RemoveAsync("app:1");

        Assert.Equal(["docker.io/library/app:1"], removed);
        Assert.Empty(await store.ListAsync());
        Assert.Empty(store.Layout.ListBlobs());
        Assert.False(store.Layout.HasBlob(image.Manifest.Digest));
    }

    [Fact]
    public async Task Removing_by_id_removes_every_name_of_the_image_and_its_blobs()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "app", "127.0.0.1:5000/app:1.0");

        var removed = await store.RemoveAsync(image.ConfigDescriptor.Digest.Encoded[..12]);

        Assert.Equal(["docker.io/library/app:latest", "127.0.0.1:5000/app:1.0"], removed);
        Assert.Empty(await store.ListAsync());
        Assert.Empty(store.Layout.ListBlobs());
    }

    [Fact]
    public async Task Removing_an_untagged_image_by_manifest_digest_reports_its_id()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app");

        var removed = await store.RemoveAsync(image.Manifest.Digest.ToString());

        Assert.Equal([image.ConfigDescriptor.Digest.ToString()], removed);
        Assert.Empty(store.Layout.ListBlobs());
    }

    [Fact]
    public async Task Removing_an_image_keeps_the_blobs_another_image_still_needs()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var kept = await WriteAsync(store, "kept", "kept");
        var dropped = await WriteAsync(store, "dropped", "dropped");

        await store.RemoveAsync("dropped");

        // Both test images share their base layer.
        Assert.Equal(kept.Layers[0].Digest, dropped.Layers[0].Digest);
        Assert.True(store.Layout.HasBlob(kept.Layers[0].Digest));
        Assert.False(store.Layout.HasBlob(dropped.Layers[1].Digest));
        Assert.False(store.Layout.HasBlob(dropped.ConfigDescriptor.Digest));
        foreach (var blob in kept.Manifest.Blobs.Append(kept.Manifest.ToDescriptor()))
        {
            await store.Layout.VerifyBlobAsync(blob.Digest, blob.Size);
        }
    }

    [Fact]
    public async Task Removing_what_is_not_there_removes_nothing()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        await WriteAsync(store, "app", "app");
        var blobs = store.Layout.ListBlobs();

        Assert.Empty(await store.RemoveAsync("other"));
        Assert.Empty(await store.RemoveAsync("0000000000"));
        Assert.Equal(blobs, store.Layout.ListBlobs());
        Assert.Single(await store.ListAsync());
    }

    [Fact]
    public async Task Skopeo_reads_a_stored_image_by_its_full_name()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await WriteAsync(store, "app", "127.0.0.1:5000/app:1.0");

        var raw = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci:{store.Layout.Path}:127.0.0.1:5000/app:1.0");

        Assert.Equal(System.Text.Encoding.UTF8.GetString(image.Manifest.Bytes.Span), raw.StandardOutput.TrimEnd('\n'));
    }

    /// <summary>Writes a test image (blobs and untagged entry) and names it through the store.</summary>
    private static async Task<TestImage> WriteAsync(ImageStore store, string content, params string[] names)
    {
        var image = await TestImages.WriteAsync(store.Layout, tag: null, name: content);
        await store.AddAsync(image.Manifest, names.Select(Reference.Parse).ToList(), platform: null);
        return image;
    }

    /// <summary>
    /// Two content names whose test images' IDs (config digests) begin with the same four hex digits,
    /// found by computing the configs as <see cref="TestImages.WriteAsync"/> writes them; the test checks
    /// the IDs of the images actually written.
    /// </summary>
    private static (string First, string Second) TwoNamesWhoseImageIdsShareFourDigits()
    {
        var baseDiffId = Digest.Compute(TestImages.LayerTar(("etc/", null), ("etc/os-release", "ID=hyper-test\n"), ("bin/", null)));
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; ; i++)
        {
            var name = $"image-{i}";
            var appDiffId = Digest.Compute(TestImages.LayerTar(("app/", null), ("app/name.txt", $"{name}\n"), ("app/run.sh", $"#!/bin/sh\necho {name}\n")));
            var id = Digest.Compute(TestImages.Config([baseDiffId, appDiffId], name).ToJson());
            if (seen.TryGetValue(id.Encoded[..4], out var other))
            {
                return (other, name);
            }

            seen[id.Encoded[..4]] = name;
        }
    }
}
