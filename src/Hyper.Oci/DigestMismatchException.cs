namespace Hyper.Oci;

/// <summary>Content did not hash to the digest (or have the size) it was announced with.</summary>
public sealed class DigestMismatchException : IOException
{
    public DigestMismatchException(Digest expected, Digest? actual, string? message = null)
        : base(message ?? $"content does not match its digest: expected {expected}, got {actual}")
    {
        Expected = expected;
        Actual = actual;
    }

    public Digest Expected { get; }

    /// <summary>The digest the content really had, when it was read to the end.</summary>
    public Digest? Actual { get; }
}
