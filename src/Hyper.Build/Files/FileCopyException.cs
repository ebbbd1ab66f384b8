namespace Hyper.Build.Files;

/// <summary>
/// A COPY or ADD (or a user lookup for one) that cannot be carried out: a missing source, a bad
/// destination, a path that would leave the root, an unsafe archive. The message names the path;
/// the build engine prefixes the Dockerfile line.
/// </summary>
public sealed class FileCopyException : IOException
{
    public FileCopyException()
    {
    }

    public FileCopyException(string message)
        : base(message)
    {
    }

    public FileCopyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
