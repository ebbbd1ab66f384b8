namespace Hyper.Distribution.Progress;

/// <summary>
/// One observation of a transfer (a layer being pushed, pulled or copied), reported through
/// <see cref="IProgress{T}"/>. Reports of the same <see cref="Id"/> describe the same item.
/// </summary>
/// <param name="Id">Stable identity of the item, usually its digest.</param>
/// <param name="Description">What a person sees, e.g. "layer 3f1e…" or "config".</param>
/// <param name="Completed">Bytes done so far.</param>
/// <param name="Total">Bytes in all, when known.</param>
/// <param name="State">Where the item is in its life.</param>
public sealed record TransferProgress(string Id, string Description, long Completed, long? Total, TransferState State);
