namespace Hyper.Registry.Storage;

/// <summary>A readable stored blob: its length, and its file when it has one so it can be sent with sendfile.</summary>
/// <param name="Length">Size in bytes.</param>
/// <param name="PhysicalPath">The file holding the bytes, for stores on the local filesystem; else null.</param>
/// <param name="OpenRead">Opens the content for reading; the caller disposes the stream.</param>
public sealed record StoredBlob(long Length, string? PhysicalPath, Func<Stream> OpenRead);
