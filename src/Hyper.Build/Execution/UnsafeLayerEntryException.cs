namespace Hyper.Build.Execution;

/// <summary>
/// A layer entry that would write, link or delete outside the directory the layer is applied to,
/// or that cannot be applied at all. The message names the entry.
/// </summary>
public sealed class UnsafeLayerEntryException : IOException
{
    public UnsafeLayerEntryException(string entryName, string reason)
        : base($"layer entry '{entryName}': {reason}")
    {
        EntryName = entryName;
    }

    public UnsafeLayerEntryException()
    {
        EntryName = string.Empty;
    }

    public UnsafeLayerEntryException(string message)
        : base(message)
    {
        EntryName = string.Empty;
    }

    public UnsafeLayerEntryException(string message, Exception innerException)
        : base(message, innerException)
    {
        EntryName = string.Empty;
    }

    /// <summary>The name of the offending entry as it was written in the tar.</summary>
    public string EntryName { get; }
}
