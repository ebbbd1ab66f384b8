namespace Hyper.Oci;

/// <summary>A manifest, index, config or layout file that cannot be parsed or breaks the spec.</summary>
public sealed class InvalidOciDocumentException : FormatException
{
    public InvalidOciDocumentException(string message)
        : base(message)
    {
    }

    public InvalidOciDocumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
