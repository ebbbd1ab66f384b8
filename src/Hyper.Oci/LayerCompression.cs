namespace Hyper.Oci;

/// <summary>How the tar stream of a layer is compressed.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}
