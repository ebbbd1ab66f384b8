namespace Hyper.Distribution.Progress;

/// <summary>The life of one transferred item.</summary>
public enum TransferState
{
    Waiting,
    Running,

    /// <summary>Nothing to move: the destination already had it (or mounted it).</summary>
    Skipped,
    Done,
    Failed,
}
