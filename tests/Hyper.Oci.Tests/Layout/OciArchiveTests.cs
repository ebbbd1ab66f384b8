using System.Formats.Tar;
using System.Text;

using Hyper.Oci.Layout;

namespace Hyper.Oci.Tests.Layout;

public sealed class OciArchiveTests : IDisposable
{
    private static readonly string EmptyIndex = """{"schemaVersion":2,"manifests":[]}""";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_layout_packed_and_unpacked_resolves_the_same_tags_to_the_same_bytes()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var first = await TestImages.WriteAsync(layout, "latest", name: "first");
        var second = await TestImages.WriteAsync(layout, "v2", name: "second", compression: LayerCompression.Zstd);
        var archive = _temp.Combine("image.tar");

        await OciArchive.WriteAsync(layout, archive);
        var unpacked = await OciArchive.ExtractAsync(archive, _temp.Combine("unpacked"));

        Assert.Equal(first.Manifest.Bytes.ToArray(), (await unpacked.ResolveAsync("latest")).Bytes.ToArray());
        Assert.Equal(second.Manifest.Bytes.ToArray(), (await unpacked.ResolveAsync("v2")).Bytes.ToArray());
        Assert.Equal(layout.ListBlobs(), unpacked.ListBlobs());
        foreach (var digest in unpacked.ListBlobs())
        {
            await unpacked.VerifyBlobAsync(digest);
        }

        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(layout.Path, "index.json")),
            await File.ReadAllBytesAsync(Path.Combine(unpacked.Path, "index.json")));
    }

    [Fact]
    public async Task Unpacking_into_a_path_with_a_trailing_slash_unpacks_into_that_directory()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        await OciArchive.WriteAsync(layout, _temp.Combine("image.tar"));

        var unpacked = await OciArchive.ExtractAsync(_temp.Combine("image.tar"), _temp.Combine("dest") + "/");

        Assert.Equal(_temp.Combine("dest"), unpacked.Path);
        Assert.Equal(image.Manifest.Digest, (await unpacked.ResolveAsync("latest")).Digest);
        Assert.Equal(["dest", "image.tar", "layout"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Packing_the_same_layout_twice_gives_the_same_bytes()
    {
        var one = await OciLayout.CreateAsync(_temp.Combine("one"));
        await TestImages.WriteAsync(one, "latest");
        await TestImages.WriteAsync(one, "other", name: "other");
        // A second layout with the same content, written at another time into another directory.
        await Task.Delay(1100);
        var two = await OciLayout.CreateAsync(_temp.Combine("two"));
        await TestImages.WriteAsync(two, "latest");
        await TestImages.WriteAsync(two, "other", name: "other");

        await OciArchive.WriteAsync(one, _temp.Combine("a.tar"));
        await OciArchive.WriteAsync(one, _temp.Combine("b.tar"));
        await OciArchive.WriteAsync(two, _temp.Combine("c.tar"));

        var a = await File.ReadAllBytesAsync(_temp.Combine("a.tar"));
        Assert.Equal(a, await File.ReadAllBytesAsync(_temp.Combine("b.tar")));
        Assert.Equal(a, await File.ReadAllBytesAsync(_temp.Combine("c.tar")));
    }

    [Fact]
    public async Task The_archive_starts_with_the_layout_files_and_has_fixed_owners_modes_and_times()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "latest");
        using var archive = new MemoryStream();
        await OciArchive.WriteAsync(layout, archive);
        archive.Position = 0;

        var entries = new List<TarEntry>();
        using (var reader = new TarReader(archive))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                entries.Add(entry);
            }
        }

        Assert.Equal(["oci-layout", "index.json", "blobs/", "blobs/sha256/"], entries.Take(4).Select(e => e.Name));
        var blobNames = entries.Skip(4).Select(e => e.Name).ToList();
        Assert.Equal(layout.ListBlobs().Select(d => $"blobs/{d.Algorithm}/{d.Encoded}"), blobNames);
        Assert.Equal(blobNames.Order(StringComparer.Ordinal), blobNames);
        Assert.All(entries, e =>
        {
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal(DateTimeOffset.UnixEpoch, e.ModificationTime);
            Assert.Equal(e.EntryType == TarEntryType.Directory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100, e.Mode);
        });
    }

    [Fact]
    public async Task Writing_an_archive_from_a_layout_with_a_corrupt_blob_fails_and_leaves_no_archive()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var path = layout.GetBlobPath(image.Layers[1].Digest);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[0] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);

        await Assert.ThrowsAsync<DigestMismatchException>(() => OciArchive.WriteAsync(layout, _temp.Combine("image.tar")));

        Assert.Equal(["layout"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_entry_climbing_out_with_dot_dot_is_refused_and_nothing_is_written()
    {
        var archive = MaliciousArchive(tar => AddFile(tar, "../evil", "owned"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Contains("'../evil'", error.Message, StringComparison.Ordinal);
        AssertNothingExtracted();
    }

    [Fact]
    public async Task A_dot_dot_hidden_inside_a_blob_path_is_refused()
    {
        var archive = MaliciousArchive(tar => AddFile(tar, "blobs/sha256/../../../evil", "owned"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Contains("climbs out of the archive", error.Message, StringComparison.Ordinal);
        AssertNothingExtracted();
    }

    [Fact]
    public async Task An_entry_with_an_absolute_path_is_refused_and_nothing_is_written()
    {
        var target = _temp.Combine("absolute-evil");
        var archive = MaliciousArchive(tar => AddFile(tar, target, "owned"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Contains("absolute path", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        AssertNothingExtracted();
    }

    [Fact]
    public async Task A_symbolic_link_entry_is_refused_and_nothing_is_written()
    {
        var archive = MaliciousArchive(tar => tar.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, "blobs/sha256/" + Digest.Compute("x"u8).Encoded)
        {
            LinkName = "/etc/passwd",
        }));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Contains("of type SymbolicLink", error.Message, StringComparison.Ordinal);
        AssertNothingExtracted();
    }

    [Fact]
    public async Task A_hard_link_or_device_entry_is_refused()
    {
        var hardLink = MaliciousArchive(tar => tar.WriteEntry(new UstarTarEntry(TarEntryType.HardLink, "index2.json") { LinkName = "index.json" }));
        var device = MaliciousArchive(tar => tar.WriteEntry(new UstarTarEntry(TarEntryType.CharacterDevice, "blobs/null")));

        await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(hardLink, _temp.Combine("dest")));
        await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(device, _temp.Combine("dest")));
        AssertNothingExtracted();
    }

    [Fact]
    public async Task A_file_that_is_not_part_of_a_layout_is_refused()
    {
        var archive = MaliciousArchive(tar => AddFile(tar, "blobs/sha256/not-a-digest", "x"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Contains("not part of an OCI layout", error.Message, StringComparison.Ordinal);
        AssertNothingExtracted();
    }

    [Fact]
    public async Task A_blob_whose_content_does_not_match_its_name_is_refused_and_nothing_is_written()
    {
        var named = Digest.Compute("what the name promises"u8);
        var archive = MaliciousArchive(tar => AddFile(tar, $"blobs/sha256/{named.Encoded}", "something else"));

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Equal(named, error.Expected);
        Assert.Contains("does not hold the blob its name says", error.Message, StringComparison.Ordinal);
        AssertNothingExtracted();
    }

    [Fact]
    public async Task A_refused_archive_leaves_an_existing_empty_destination_empty()
    {
        Directory.CreateDirectory(_temp.Combine("dest"));
        var archive = MaliciousArchive(tar => AddFile(tar, "../evil", "owned"));

        await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("dest")));
        Assert.Equal(["dest"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_archive_whose_index_names_a_missing_manifest_is_refused()
    {
        var missing = Digest.Compute("absent manifest"u8);
        var archive = Archive(tar =>
        {
            AddFile(tar, "oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
            AddFile(tar, "index.json", $$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{missing}}","size":15}]}""");
        });

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => OciArchive.ExtractAsync(archive, _temp.Combine("dest")));

        Assert.Contains($"lists manifest {missing}", error.Message, StringComparison.Ordinal);
        AssertNothingExtracted();
    }

    [Fact]
    public async Task Unpacking_into_a_directory_that_is_not_empty_is_refused()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await OciArchive.WriteAsync(layout, _temp.Combine("image.tar"));
        Directory.CreateDirectory(_temp.Combine("dest"));
        await File.WriteAllTextAsync(_temp.Combine("dest", "keep.txt"), "mine");

        var error = await Assert.ThrowsAsync<IOException>(() => OciArchive.ExtractAsync(_temp.Combine("image.tar"), _temp.Combine("dest")));

        Assert.Contains("is not empty", error.Message, StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(_temp.Combine("dest", "keep.txt")));
    }

    /// <summary>A valid layout with one real blob, then <paramref name="addBadEntry"/>: something has been unpacked by the time the bad entry comes.</summary>
    private static MemoryStream MaliciousArchive(Action<TarWriter> addBadEntry) => Archive(tar =>
    {
        AddFile(tar, "oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        AddFile(tar, "index.json", EmptyIndex);
        var content = "a real blob";
        AddFile(tar, $"blobs/sha256/{Digest.Compute(Encoding.UTF8.GetBytes(content)).Encoded}", content);
        addBadEntry(tar);
    });

    private static MemoryStream Archive(Action<TarWriter> write)
    {
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(tar);
        }

        stream.Position = 0;
        return stream;
    }

    private static void AddFile(TarWriter tar, string name, string content) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });

    /// <summary>Nothing in the test directory: no destination, no staging directory, no file outside.</summary>
    private void AssertNothingExtracted() => Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
}
