namespace Hyper.Build.Execution;

/// <summary>
/// A writable root filesystem for one build step over the unpacked layers of its parent chain. The step
/// writes into <see cref="Merged"/>; <see cref="Unmount"/> ends its writes, after which <see cref="Upper"/>
/// holds what it changed in overlayfs's on-disk format, whichever way the snapshot was made, so the
/// layer is written from it the same way. Disposing ends the snapshot without its diff.
/// </summary>
public interface ISnapshot : IDisposable
{
    /// <summary>The snapshot's own directory, holding <see cref="Merged"/>, <see cref="Upper"/> and any scratch space.</summary>
    string Directory { get; }

    /// <summary>The root filesystem the step sees and writes.</summary>
    string Merged { get; }

    /// <summary>
    /// After <see cref="Unmount"/>: the step's changes as an overlayfs upper directory would hold them — new and
    /// changed entries, their parent directories, and 0/0 character devices for deleted entries.
    /// </summary>
    string Upper { get; }

    /// <summary>Ends the step's writes to <see cref="Merged"/> and leaves its diff in <see cref="Upper"/>. Calling it again does nothing.</summary>
    void Unmount();
}
