namespace Hyper.Build.Context;

/// <summary>A file, directory or symbolic link of a build context, as it would be sent to the builder.</summary>
/// <param name="Path">Relative to the context root, '/'-separated, no leading slash.</param>
/// <param name="Type">What the entry is; a symbolic link is reported as a link, not followed.</param>
/// <param name="Mode">Permission bits (always 0777 for a link).</param>
/// <param name="Size">Bytes of a file, bytes of a link's target text, 0 for a directory.</param>
/// <param name="LinkTarget">The target of a symbolic link as written, otherwise null.</param>
/// <param name="ModifiedTime">Last modification time.</param>
public sealed record ContextEntry(
    string Path,
    ContextEntryType Type,
    UnixFileMode Mode,
    long Size,
    string? LinkTarget,
    DateTimeOffset ModifiedTime);
