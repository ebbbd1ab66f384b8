namespace Hyper.Distribution.Progress;

/// <summary>
/// Passes reads through and reports the bytes read so far, at most once per <see cref="ReportInterval"/> bytes;
/// counting from <paramref name="start"/> when the content is read from there (a resumed upload).
/// </summary>
/// <remarks>Reporting every read would flood a console view with thousands of events per layer.</remarks>
internal sealed class ProgressReportingStream(Stream inner, IProgress<TransferProgress> progress, string id, string description, long? total, long start = 0) : Stream
{
    private const long ReportInterval = 512 * 1024;

    private long _completed = start;
    private long _reported = start;

    public long Completed => _completed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _completed;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Account(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Account(inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

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
