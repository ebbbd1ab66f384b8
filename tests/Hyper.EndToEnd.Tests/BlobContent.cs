using System.IO.Compression;

namespace Hyper.EndToEnd.Tests;

/// <summary>Reads blobs as their content, so tests can search layers for bytes that must not be there.</summary>
public static class BlobContent
{
    /// <summary>A blob file's bytes, gunzipped or un-zstd-ed when it is compressed.</summary>
    public static async Task<byte[]> ReadDecompressedAsync(string path)
    {
        var raw = await File.ReadAllBytesAsync(path);
        Stream? decompressing = raw switch
        {
            [0x1f, 0x8b, ..] => new GZipStream(new MemoryStream(raw), CompressionMode.Decompress),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => new ZstdSharp.DecompressionStream(new MemoryStream(raw)),
            _ => null,
        };
        if (decompressing is null)
        {
            return raw;
        }

        await using (decompressing)
        {
            using var buffer = new MemoryStream();
            await decompressing.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }
}
