using Hyper.Distribution.Content;

namespace Hyper.Distribution.Progress;

/// <summary>
/// Passes reads through and reports the bytes read so far, at most once per <see cref="ReportInterval"/> bytes;
/// counting from <paramref name="start"/> when the content is read from there (a resumed upload).
/// </summary>
/// <remarks>Reporting every read would flood a console view with thousands of events per layer.</remarks>
internal sealed class ProgressReportingStream(Stream inner, IProgress<TransferProgress> progress, string id, string description, long? total, long start = 0)
    : PassThroughReadStream(inner)
{
    private const long ReportInterval = 512 * 1024;

    private long _completed = start;
    private long _reported = start;

    public long Completed => _completed;

    public override long Position => _completed;

    public override int Read(byte[] buffer, int offset, int count) => Account(Inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Account(Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Account(int read)
    {
        _completed += read;
        if (read > 0 && _completed - _reported >= ReportInterval)
        {
            _reported = _completed;
            progress.Report(new TransferProgress(id, description, _completed, total, TransferState.Running));
        }

        return read;
    }
}
