using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Hyper.EndToEnd.Tests;

/// <summary>A layer blob read the way a consumer reads it: decompressed by its media type, then as a tar.</summary>
public static class LayerArchive
{
    /// <summary>The layer's entries, in archive order.</summary>
    public static async Task<IReadOnlyList<LayerEntry>> ReadEntriesAsync(string blobPath, string mediaType)
    {
        await using var file = File.OpenRead(blobPath);
        await using var tar = Decompress(file, mediaType);
        using var reader = new TarReader(tar);
        var entries = new List<LayerEntry>();
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            byte[]? content = null;
            if (entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                await data.CopyToAsync(buffer);
                content = buffer.ToArray();
            }

            entries.Add(new LayerEntry(entry.Name, entry.EntryType, entry.Uid, entry.Gid, entry.Mode, entry.LinkName, content));
        }

        return entries;
    }

    /// <summary>The DiffID of the layer: the digest of the uncompressed tar.</summary>
    public static async Task<Digest> DiffIdAsync(string blobPath, string mediaType)
    {
        await using var file = File.OpenRead(blobPath);
        await using var tar = Decompress(file, mediaType);
        var hash = await SHA256.HashDataAsync(tar);
        return Digest.Parse("sha256:" + Convert.ToHexStringLower(hash));
    }

    private static Stream Decompress(Stream blob, string mediaType) => mediaType switch
    {
        _ when mediaType.EndsWith("+gzip", StringComparison.Ordinal) || mediaType.EndsWith(".gzip", StringComparison.Ordinal)
            => new GZipStream(blob, CompressionMode.Decompress, leaveOpen: true),
        _ when mediaType.EndsWith("+zstd", StringComparison.Ordinal) => new ZstdSharp.DecompressionStream(blob, leaveOpen: true),
        // Disposing the file twice (here and by the caller) is harmless.
        _ when mediaType.EndsWith(".tar", StringComparison.Ordinal) => blob,
        _ => throw new InvalidDataException($"{mediaType} is not a layer media type"),
    };
}
