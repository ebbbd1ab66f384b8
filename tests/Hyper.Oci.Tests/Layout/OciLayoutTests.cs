using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

using Hyper.Oci.Layout;

namespace Hyper.Oci.Tests.Layout;

public sealed class OciLayoutTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_layout_written_with_two_tags_reads_back_with_the_same_bytes_and_verified_blobs()
    {
        var written = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var first = await TestImages.WriteAsync(written, "latest", name: "first");
        var second = await TestImages.WriteAsync(written, "v2", name: "second");

        var layout = await OciLayout.OpenAsync(_temp.Combine("layout"));
        var latest = await layout.ResolveAsync("latest");
        var v2 = await layout.ResolveAsync("v2");

        Assert.Equal(first.Manifest.Bytes.ToArray(), latest.Bytes.ToArray());
        Assert.Equal(second.Manifest.Bytes.ToArray(), v2.Bytes.ToArray());
        Assert.NotEqual(latest.Digest, v2.Digest);
        Assert.Equal(first.ConfigBytes, await layout.ReadBlobAsync(latest.Image!.Config));
        foreach (var blob in latest.Blobs.Concat(v2.Blobs))
        {
            await layout.VerifyBlobAsync(blob.Digest, blob.Size);
        }

        var index = await layout.ReadIndexAsync();
        Assert.Equal(["latest", "v2"], index.Manifests.Select(d => d.RefName));
        Assert.All(index.Manifests, d => Assert.Equal(MediaTypes.OciManifest, d.MediaType));
    }

    [Fact]
    public async Task Create_writes_the_layout_marker_and_an_empty_index()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("new"));

        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", await File.ReadAllTextAsync(Path.Combine(layout.Path, "oci-layout")));
        Assert.Equal(
            """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""",
            await File.ReadAllTextAsync(Path.Combine(layout.Path, "index.json")));
    }

    [Fact]
    public async Task Create_on_an_existing_layout_keeps_its_images()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");

        var again = await OciLayout.CreateAsync(_temp.Combine("layout"));

        Assert.Equal(image.Manifest.Digest, (await again.ResolveAsync("latest")).Digest);
    }

    [Fact]
    public async Task Open_refuses_a_directory_without_an_oci_layout_file()
    {
        Directory.CreateDirectory(_temp.Combine("plain"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciLayout.OpenAsync(_temp.Combine("plain")));

        Assert.Contains("has no oci-layout file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_refuses_an_unknown_layout_version()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await File.WriteAllTextAsync(Path.Combine(layout.Path, "oci-layout"), """{"imageLayoutVersion":"2.0.0"}""");

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciLayout.OpenAsync(layout.Path));

        Assert.Contains("imageLayoutVersion '2.0.0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Blobs_are_stored_by_digest_with_mode_0644_and_no_temporary_files_left()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var content = "hello blob"u8.ToArray();

        var descriptor = await layout.WriteBlobAsync(new MemoryStream(content), "application/octet-stream");

        Assert.Equal(Digest.Compute(content), descriptor.Digest);
        Assert.Equal(content.Length, descriptor.Size);
        var path = Path.Combine(layout.Path, "blobs", "sha256", descriptor.Digest.Encoded);
        Assert.Equal(path, layout.GetBlobPath(descriptor.Digest));
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(path));
        Assert.Equal([descriptor.Digest], layout.ListBlobs());
        Assert.Equal(["sha256"], Directory.EnumerateFileSystemEntries(Path.Combine(layout.Path, "blobs")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Writing_a_blob_with_the_wrong_expected_digest_stores_nothing()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var claimed = Digest.Compute("something else"u8);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(
            () => layout.WriteBlobAsync(new MemoryStream("actual bytes"u8.ToArray()), "application/octet-stream", claimed));

        Assert.Equal(claimed, error.Expected);
        Assert.False(layout.HasBlob(claimed));
        Assert.DoesNotContain(
            Directory.EnumerateFiles(layout.Path, "*", SearchOption.AllDirectories),
            f => f.Contains(Path.DirectorySeparatorChar + "blobs" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blob_write_cancelled_halfway_leaves_nothing_behind()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        using var cancellation = new CancellationTokenSource();
        var content = new CancelAfterFirstReadStream(new byte[1 << 20], cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => layout.WriteBlobAsync(content, "application/octet-stream", cancellationToken: cancellation.Token));

        Assert.Empty(layout.ListBlobs());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(layout.Path, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Writing_a_blob_that_is_already_present_does_not_read_the_stream()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var content = "present"u8.ToArray();
        var first = await layout.WriteBlobAsync(content, "application/octet-stream");

        var unread = new MemoryStream(content);
        var second = await layout.WriteBlobAsync(unread, "application/octet-stream", first.Digest, first.Size);

        Assert.Equal(first, second);
        Assert.Equal(0, unread.Position);
    }

    [Fact]
    public async Task Opening_a_missing_blob_names_its_digest()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var missing = Digest.Compute("never written"u8);

        var error = Assert.Throws<BlobNotFoundException>(() => layout.OpenBlob(missing));

        Assert.Equal(missing, error.Digest);
        Assert.Contains(missing.ToString(), error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FileNotFoundException>(error);
    }

    [Fact]
    public async Task A_blob_changed_on_disk_is_detected_when_read()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var layer = image.Layers[0];
        var path = layout.GetBlobPath(layer.Digest);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => layout.VerifyBlobAsync(layer.Digest, layer.Size));
        Assert.Contains("is corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains(layer.Digest.ToString(), error.Message, StringComparison.Ordinal);

        using var stream = layout.OpenBlob(layer);
        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task A_manifest_changed_on_disk_is_detected_when_resolved()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var path = layout.GetBlobPath(image.Manifest.Digest);
        // Same length, different bytes: only the digest can tell.
        var text = (await File.ReadAllTextAsync(path)).Replace("\"schemaVersion\":2", "\"schemaVersion\":3", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, text);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => layout.ResolveAsync("latest"));

        Assert.Equal(image.Manifest.Digest, error.Expected);
        Assert.Contains("is corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_truncated_on_disk_is_detected_by_its_size()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var path = layout.GetBlobPath(image.ConfigDescriptor.Digest);
        await File.WriteAllBytesAsync(path, image.ConfigBytes[..^1]);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => layout.ReadBlobAsync(image.ConfigDescriptor));

        Assert.Contains($"is {image.ConfigBytes.Length - 1} bytes, but its descriptor says {image.ConfigBytes.Length}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tag_moves_to_the_manifest_added_last()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "latest", name: "old");
        var stays = await TestImages.WriteAsync(layout, "stable", name: "stays");
        var replacement = await TestImages.WriteAsync(layout, "latest", name: "new");

        var index = await layout.ReadIndexAsync();

        Assert.Equal(2, index.Manifests.Count);
        Assert.Equal(replacement.Manifest.Digest, index.Manifests.Single(d => d.RefName == "latest").Digest);
        Assert.Equal(replacement.Manifest.Digest, (await layout.ResolveAsync("latest")).Digest);
        Assert.Equal(stays.Manifest.Digest, (await layout.ResolveAsync("stable")).Digest);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Tagging_waits_while_another_process_holds_the_layout_lock()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, tag: null);

        Task tagging;
        using (await AdvisoryLock.AcquireExclusiveAsync(layout.Path))
        {
            // Another instance stands for another process: only the lock on the directory keeps them apart.
            var other = await OciLayout.OpenAsync(layout.Path);
            tagging = Task.Run(() => other.AddManifestAsync(image.Manifest, "while-locked"));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.False(tagging.IsCompleted, "index.json was rewritten while another holder had the layout locked");
        }

        await tagging.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(image.Manifest.Digest, (await layout.ResolveAsync("while-locked")).Digest);
    }

    [Fact]
    public async Task The_same_manifest_may_carry_several_tags_and_untagged_duplicates_are_folded()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, tag: null);
        await layout.AddManifestAsync(image.Manifest);
        await layout.AddManifestAsync(image.Manifest, "a");
        await layout.AddManifestAsync(image.Manifest, "example.com/app:b");

        var index = await layout.ReadIndexAsync();

        Assert.Equal(["a", "example.com/app:b"], index.Manifests.Select(d => d.RefName));
        Assert.All(index.Manifests, d => Assert.Equal(image.Manifest.Digest, d.Digest));
    }

    [Fact]
    public async Task Resolving_without_a_tag_gives_the_only_image()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "only");

        Assert.Equal(image.Manifest.Digest, (await layout.ResolveAsync(null)).Digest);
    }

    [Fact]
    public async Task Resolving_without_a_tag_gives_the_only_image_even_when_it_has_several_tags()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "one");
        await layout.AddManifestAsync(image.Manifest, "two");

        Assert.Equal(image.Manifest.Digest, (await layout.ResolveAsync(null)).Digest);
    }

    [Fact]
    public async Task Resolving_without_a_tag_among_several_images_is_ambiguous_and_lists_the_tags()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "one", name: "one");
        await TestImages.WriteAsync(layout, "two", name: "two");
        await TestImages.WriteAsync(layout, tag: null, name: "three");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => layout.ResolveAsync(null));

        Assert.Contains("holds 3 images", error.Message, StringComparison.Ordinal);
        Assert.Contains("tags present: one, two (and 1 untagged)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolving_a_missing_tag_lists_the_tags_present()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "one");

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => layout.ResolveAsync("two"));

        Assert.Contains("no image is tagged 'two'", error.Message, StringComparison.Ordinal);
        Assert.Contains("tags present: one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolving_in_an_empty_layout_says_it_holds_no_images()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => layout.ResolveAsync(null));

        Assert.Contains("holds no images", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_whose_blobs_are_missing_is_not_added()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var config = Descriptor.For("{}"u8, MediaTypes.OciConfig);
        var manifest = Manifest.Create(new ImageManifest { Config = config, Layers = [] });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => layout.AddManifestAsync(manifest, "latest"));

        Assert.Contains($"refers to {config.Digest}", error.Message, StringComparison.Ordinal);
        Assert.Empty((await layout.ReadIndexAsync()).Manifests);
    }

    [Fact]
    public async Task An_image_index_can_be_added_over_its_platform_manifests_with_platforms_recorded()
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
        var resolved = await layout.ResolveAsync("multi");

        Assert.Equal(MediaTypes.OciIndex, resolved.MediaType);
        Assert.Equal(index.Bytes.ToArray(), resolved.Bytes.ToArray());
        Assert.Equal(arm64.Manifest.Digest, (await layout.ReadManifestAsync(resolved.Children[1])).Digest);
    }

    [Fact]
    public async Task Unknown_fields_of_an_existing_index_survive_a_tag_update()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await File.WriteAllTextAsync(
            Path.Combine(layout.Path, "index.json"),
            """{"schemaVersion":2,"manifests":[],"annotations":{"org.example":"kept"},"x-extension":{"a":1}}""");

        await TestImages.WriteAsync(layout, "latest");

        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(layout.Path, "index.json")));
        Assert.Equal("kept", document.RootElement.GetProperty("annotations").GetProperty("org.example").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("x-extension").GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task A_tag_with_spaces_is_refused()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => layout.AddManifestAsync(image.Manifest, "bad tag"));

        Assert.Contains("invalid tag 'bad tag'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blob_paths_come_only_from_valid_digests()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));

        Assert.Throws<ArgumentException>(() => layout.GetBlobPath(default));
        Assert.Throws<FormatException>(() => Digest.Parse("sha256:../../etc/passwd"));
        Assert.StartsWith(layout.Path + Path.DirectorySeparatorChar, layout.GetBlobPath(Digest.Compute(Encoding.UTF8.GetBytes("x"))), StringComparison.Ordinal);
    }

    /// <summary>Gives one buffer of data, then cancels, as a Ctrl-C in the middle of a copy would.</summary>
    private sealed class CancelAfterFirstReadStream(byte[] data, CancellationTokenSource cancellation) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            await cancellation.CancelAsync();
            return read;
        }
    }
}
