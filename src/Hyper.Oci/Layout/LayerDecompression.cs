using System.IO.Compression;

namespace Hyper.Oci.Layout;

/// <summary>Recognises and undoes the compressions a layer blob may have.</summary>
internal static class LayerDecompression
{
    /// <summary>Bytes enough to recognise any of the formats by their magic number.</summary>
    public const int MagicLength = 4;

    /// <summary>The compression whose magic number <paramref name="start"/> begins with; plain tar otherwise.</summary>
    public static LayerCompression Detect(ReadOnlySpan<byte> start) => start switch
    {
        [0x1f, 0x8b, ..] => LayerCompression.Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => LayerCompression.Zstd,
        _ => LayerCompression.None,
    };

    /// <summary>A stream of the uncompressed bytes of <paramref name="compressed"/>; disposing it disposes both.</summary>
    public static Stream Open(Stream compressed, LayerCompression compression) => compression switch
    {
        LayerCompression.None => compressed,
        LayerCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false),
        LayerCompression.Zstd => new ZstdSharp.DecompressionStream(compressed, leaveOpen: false),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown layer compression"),
    };
}
