namespace Hyper.Build.Execution;

/// <summary>How a <see cref="SnapshotStore"/> makes the root filesystems of build steps.</summary>
public enum Snapshotter
{
    /// <summary>Kernel overlayfs over the layer directories (<see cref="OverlaySnapshot"/>): instant, needs root and overlay support.</summary>
    Overlay,

    /// <summary>Copies of the layer directories, diffed afterwards (<see cref="CopyingSnapshot"/>): works on any Linux filesystem.</summary>
    Copy,
}
