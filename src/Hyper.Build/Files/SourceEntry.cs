using Hyper.Build.Context;

namespace Hyper.Build.Files;

/// <summary>A file, directory or symbolic link a COPY can read.</summary>
/// <param name="Path">Relative to the source's root, '/'-separated, empty for the root; where the entry really is after links were followed.</param>
/// <param name="Type">What the entry is (a link is a link unless it was followed).</param>
/// <param name="HostPath">Where to read it on this machine.</param>
public sealed record SourceEntry(string Path, ContextEntryType Type, string HostPath);
