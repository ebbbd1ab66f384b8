using System.IO.Compression;

using Hyper.Build.Context;

namespace Hyper.Build.Execution;

/// <summary>
/// Recognises a compressed stream by its first bytes, not its name, the way Docker's archive
/// package does (gzip, bzip2, xz, zstd; anything else is passed through as it is).
/// </summary>
internal static class Decompressor
{
    /// <summary>A stream of the decompressed bytes of <paramref name="stream"/>, which stays open and the caller's to dispose.</summary>
    public static async Task<Stream> OpenAsync(Stream stream, CancellationToken ct)
    {
        var (magic, length, prefixed) = await PrefixedStream.PeekAsync(stream, 6, ct).ConfigureAwait(false);
        return magic.AsSpan(0, length) switch
        {
            [0x1f, 0x8b, ..] => new GZipStream(prefixed, CompressionMode.Decompress, leaveOpen: false),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => new ZstdSharp.DecompressionStream(prefixed, leaveOpen: false),
            [(byte)'B', (byte)'Z', (byte)'h', ..] => SharpCompress.Compressors.BZip2.BZip2Stream.Create(prefixed, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false),
            [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00] => new SharpCompress.Compressors.Xz.XZStream(prefixed),
            _ => prefixed,
        };
    }
}
