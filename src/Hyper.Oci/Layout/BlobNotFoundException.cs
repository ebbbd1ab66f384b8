namespace Hyper.Oci.Layout;

/// <summary>A blob asked for by digest is not in the OCI layout.</summary>
public sealed class BlobNotFoundException : FileNotFoundException
{
    public BlobNotFoundException(Digest digest, string layoutPath, string? fileName = null)
        : base($"blob {digest} is not in the OCI layout at '{layoutPath}': copy the image into the layout again, or check the digest", fileName)
    {
        Digest = digest;
    }

    public Digest Digest { get; }
}
