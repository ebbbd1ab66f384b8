using Hyper.Build.Layers;

namespace Hyper.Build.Execution;

/// <summary>
/// One entry of a <see cref="LayerChainView"/> directory: its topmost copy and, for a directory, the layer
/// directories that merge into it, topmost first.
/// </summary>
internal readonly record struct LayerChainEntry(string HostPath, FileStatus Status, IReadOnlyList<string> Directories);
