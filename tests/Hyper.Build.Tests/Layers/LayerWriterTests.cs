using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;

using Hyper.Build.Layers;
using Hyper.Oci;

namespace Hyper.Build.Tests.Layers;

/// <summary>What a build step changed on overlayfs, as an OCI layer: entries, whiteouts, metadata, digests, bytes.</summary>
[SupportedOSPlatform("linux")]
public sealed class LayerWriterTests(OverlayUpper overlay) : IClassFixture<OverlayUpper>
{
    private static readonly DateTimeOffset FixedTime = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<(LayerBlob Blob, byte[] Bytes)> WriteAsync(string upper, LayerCompression compression, DateTimeOffset? clamp = null)
    {
        using var output = new MemoryStream();
        var blob = await LayerWriter.WriteAsync(upper, output, compression, clamp, CancellationToken.None);
        Assert.NotNull(blob);
        return (blob, output.ToArray());
    }

    private static byte[] Decompress(byte[] bytes, LayerCompression compression)
    {
        using var input = new MemoryStream(bytes);
        using Stream plain = compression switch
        {
            LayerCompression.Gzip => new GZipStream(input, CompressionMode.Decompress),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(input),
            _ => input,
        };
        using var output = new MemoryStream();
        plain.CopyTo(output);
        return output.ToArray();
    }

    private static List<PaxTarEntry> Entries(byte[] tar)
    {
        using var reader = new TarReader(new MemoryStream(tar));
        var entries = new List<PaxTarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(Assert.IsType<PaxTarEntry>(entry));
        }

        return entries;
    }

    private async Task<Dictionary<string, PaxTarEntry>> EntriesByNameAsync()
    {
        var (_, bytes) = await WriteAsync(overlay.Upper, LayerCompression.None);
        return Entries(bytes).ToDictionary(e => e.Name);
    }

    [Fact]
    public async Task Entries_come_depth_first_in_ordinal_order_with_whiteouts_in_place_of_overlay_markers()
    {
        var (_, bytes) = await WriteAsync(overlay.Upper, LayerCompression.None);

        Assert.Equal(
            [
                ".wh.delete.txt", "link", "modify.txt", "new.txt", "null",
                "olddir/", "olddir/.wh..wh..opq", "olddir/c.txt",
                "owned.txt", "pipe", "run.sh",
                "sub/", "sub/deeper/", "sub/deeper/file", "sub/hard",
            ],
            Entries(bytes).Select(e => e.Name));
    }

    [Fact]
    public async Task A_deleted_lower_file_becomes_an_empty_regular_whiteout_file()
    {
        var whiteout = (await EntriesByNameAsync())[".wh.delete.txt"];

        Assert.Equal(TarEntryType.RegularFile, whiteout.EntryType);
        Assert.Equal(0, whiteout.Length);
    }

    [Fact]
    public async Task A_replaced_lower_directory_is_opaque_and_keeps_only_its_new_children()
    {
        var entries = await EntriesByNameAsync();

        Assert.Equal(TarEntryType.Directory, entries["olddir/"].EntryType);
        Assert.Equal(TarEntryType.RegularFile, entries["olddir/.wh..wh..opq"].EntryType);
        Assert.Equal(0, entries["olddir/.wh..wh..opq"].Length);
        Assert.Equal("c", ReadText(entries["olddir/c.txt"]));
        Assert.DoesNotContain("olddir/a.txt", entries.Keys);
    }

    [Fact]
    public async Task Added_and_modified_files_carry_their_new_content_and_untouched_files_are_absent()
    {
        var entries = await EntriesByNameAsync();

        Assert.Equal("new", ReadText(entries["new.txt"]));
        Assert.Equal("after", ReadText(entries["modify.txt"]));
        Assert.Equal("deep", ReadText(entries["sub/deeper/file"]));
        Assert.DoesNotContain("keep.txt", entries.Keys);
    }

    [Fact]
    public async Task Symlinks_keep_their_target_and_a_second_link_to_an_inode_becomes_a_hardlink_to_the_first()
    {
        var entries = await EntriesByNameAsync();

        Assert.Equal(TarEntryType.SymbolicLink, entries["link"].EntryType);
        Assert.Equal("new.txt", entries["link"].LinkName);
        Assert.Equal(TarEntryType.RegularFile, entries["new.txt"].EntryType);
        Assert.Equal(TarEntryType.HardLink, entries["sub/hard"].EntryType);
        Assert.Equal("new.txt", entries["sub/hard"].LinkName);
    }

    [Fact]
    public async Task Modes_owners_devices_and_fifos_are_kept()
    {
        var entries = await EntriesByNameAsync();

        Assert.Equal((UnixFileMode)0b111_101_101, entries["run.sh"].Mode);
        Assert.Equal((UnixFileMode)0b110_100_100, entries["new.txt"].Mode);
        Assert.Equal((1234, 5678), (entries["owned.txt"].Uid, entries["owned.txt"].Gid));
        Assert.Equal((0, 0), (entries["new.txt"].Uid, entries["new.txt"].Gid));
        Assert.Equal(TarEntryType.CharacterDevice, entries["null"].EntryType);
        Assert.Equal((1, 3), (entries["null"].DeviceMajor, entries["null"].DeviceMinor));
        Assert.Equal(TarEntryType.Fifo, entries["pipe"].EntryType);
        Assert.All(entries.Values, e => Assert.Equal(string.Empty, e.UserName));
    }

    [Fact]
    public async Task Xattrs_become_schily_records_and_overlay_bookkeeping_is_left_out()
    {
        var entries = await EntriesByNameAsync();

        Assert.Equal("hello", entries["new.txt"].ExtendedAttributes["SCHILY.xattr.user.note"]);
        Assert.All(entries.Values, e => Assert.DoesNotContain(e.ExtendedAttributes.Keys, k => k.Contains("overlay", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Binary_xattr_values_are_written_as_raw_bytes_that_gnu_tar_restores()
    {
        var layer = Path.Combine(overlay.Unpacked, "..", "binary.tar");
        var (_, tar) = await WriteAsync(overlay.BinaryXattrUpper, LayerCompression.None);
        await File.WriteAllBytesAsync(layer, tar);

        byte[] expected = [.. Encoding.ASCII.GetBytes("283 SCHILY.xattr.user.bin="), .. Enumerable.Range(0, 256).Select(i => (byte)i), (byte)'\n'];
        Assert.True(tar.AsSpan().IndexOf(expected) >= 0, "raw record not found");
        Assert.DoesNotContain("HYPER.", Encoding.Latin1.GetString(tar), StringComparison.Ordinal);

        await ExternalProcess.RunCheckedAsync("tar", "--xattrs", "--xattrs-include=user.*", "-xpf", layer, "-C", overlay.Unpacked);
        var restored = await ExternalProcess.RunCheckedAsync("python3", "-c", $"import os; print(os.getxattr('{Path.Combine(overlay.Unpacked, "ping")}', 'user.bin') == bytes(range(256)))");
        Assert.Equal("True", restored.StandardOutput.Trim());
        Assert.Equal("binary", await File.ReadAllTextAsync(Path.Combine(overlay.Unpacked, "ping")));
    }

    [Fact]
    public async Task Timestamps_are_clamped_to_the_given_time_and_kept_when_earlier()
    {
        var clamp = new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero);

        var (_, clamped) = await WriteAsync(overlay.Upper, LayerCompression.None, clamp);
        var (_, unclamped) = await WriteAsync(overlay.Upper, LayerCompression.None, FixedTime.AddYears(1));

        Assert.All(Entries(clamped).Where(e => e.EntryType != TarEntryType.SymbolicLink), e => Assert.Equal(clamp, e.ModificationTime));
        Assert.Equal(FixedTime, Entries(unclamped).Single(e => e.Name == "new.txt").ModificationTime);
    }

    [Theory]
    [InlineData(LayerCompression.None, MediaTypes.OciLayer)]
    [InlineData(LayerCompression.Gzip, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompression.Zstd, MediaTypes.OciLayerZstd)]
    public async Task Digest_size_and_diff_id_match_a_recomputation_over_the_bytes_written(LayerCompression compression, string mediaType)
    {
        var (blob, bytes) = await WriteAsync(overlay.Upper, compression);
        var tar = Decompress(bytes, compression);

        Assert.Equal(mediaType, blob.MediaType);
        Assert.Equal(bytes.Length, blob.Size);
        Assert.Equal(Digest.Compute(bytes), blob.Digest);
        Assert.Equal(Digest.Compute(tar), blob.DiffId);
        Assert.Equal(15, Entries(tar).Count);
        if (compression == LayerCompression.None)
        {
            Assert.Equal(blob.Digest, blob.DiffId);
        }
    }

    [Fact]
    public async Task An_empty_upper_directory_gives_no_layer_and_writes_nothing()
    {
        using var output = new MemoryStream();

        var blob = await LayerWriter.WriteAsync(overlay.EmptyUpper, output, LayerCompression.Gzip, null, CancellationToken.None);

        Assert.Null(blob);
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task Writing_the_same_tree_twice_gives_the_same_bytes(LayerCompression compression)
    {
        var (first, firstBytes) = await WriteAsync(overlay.Upper, compression, FixedTime);
        var (second, secondBytes) = await WriteAsync(overlay.Upper, compression, FixedTime);

        Assert.Equal(first, second);
        Assert.Equal(firstBytes, secondBytes);
    }

    [Fact]
    public async Task Pax_extended_headers_carry_a_fixed_name_instead_of_the_process_id()
    {
        var (_, tar) = await WriteAsync(overlay.Upper, LayerCompression.None);

        var names = ExtendedHeaderNames(tar);
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Equal(PaxHeaderStream.FixedName, n));
        Assert.DoesNotContain($"PaxHeaders.{Environment.ProcessId}", Encoding.ASCII.GetString(tar), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tar_written_by_another_process_id_comes_out_byte_for_byte_the_same()
    {
        var ours = RawPaxTar();
        var theirs = SimulateOtherProcess(ours);
        Assert.NotEqual(ours, theirs);

        Assert.Equal(Normalise(ours), Normalise(theirs));
    }

    private static string ReadText(TarEntry entry)
    {
        using var reader = new StreamReader(entry.DataStream!);
        return reader.ReadToEnd();
    }

    private static byte[] RawPaxTar()
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "dir/") { ModificationTime = FixedTime });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dir/file") { ModificationTime = FixedTime, DataStream = new MemoryStream("x"u8.ToArray()) });
        }

        return output.ToArray();
    }

    private static byte[] Normalise(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var stream = new PaxHeaderStream(output))
        {
            // Odd-sized pieces, so headers arrive split across writes.
            for (var offset = 0; offset < tar.Length; offset += 333)
            {
                stream.Write(tar, offset, Math.Min(333, tar.Length - offset));
            }
        }

        return output.ToArray();
    }

    /// <summary>The same archive as if written by a process with a different id: extended header names changed, checksums fixed.</summary>
    private static byte[] SimulateOtherProcess(byte[] tar)
    {
        var copy = (byte[])tar.Clone();
        var pid = $"PaxHeaders.{Environment.ProcessId}";
        var other = "PaxHeaders." + new string('9', Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        foreach (var offset in HeaderOffsets(copy))
        {
            if (copy[offset + 156] != (byte)'x')
            {
                continue;
            }

            var name = Encoding.ASCII.GetString(copy, offset, 100).TrimEnd('\0');
            Assert.Contains(pid, name, StringComparison.Ordinal);
            Encoding.ASCII.GetBytes(name.Replace(pid, other, StringComparison.Ordinal)).CopyTo(copy, offset);
            copy.AsSpan(offset + 148, 8).Fill((byte)' ');
            var sum = copy.AsSpan(offset, 512).ToArray().Sum(b => b);
            Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(copy, offset + 148);
        }

        using var reader = new TarReader(new MemoryStream(copy));
        Assert.NotNull(reader.GetNextEntry());
        return copy;
    }

    private static List<string> ExtendedHeaderNames(byte[] tar) =>
        [.. HeaderOffsets(tar).Where(o => tar[o + 156] == (byte)'x').Select(o => Encoding.ASCII.GetString(tar, o, 100).TrimEnd('\0'))];

    private static IEnumerable<int> HeaderOffsets(byte[] tar)
    {
        var offset = 0;
        while (offset + 512 <= tar.Length && tar[offset] != 0)
        {
            yield return offset;
            var size = Convert.ToInt64(Encoding.ASCII.GetString(tar, offset + 124, 12).Trim('\0', ' '), 8);
            offset += 512 + (int)((size + 511) / 512 * 512);
        }
    }
}
