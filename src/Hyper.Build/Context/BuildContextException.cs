namespace Hyper.Build.Context;

/// <summary>A build context that cannot be used: missing, unreadable, unsafe, or with a bad ignore file.</summary>
public sealed class BuildContextException : Exception
{
    public BuildContextException(string message)
        : base(message)
    {
    }

    public BuildContextException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
