namespace Hyper.Registry.Tests.Storage;

/// <summary>Gives <c>content</c>, then waits for <see cref="Release"/> before giving it again: a put caught mid-body.</summary>
internal sealed class BlockingStream(byte[] content) : Stream
{
    private readonly TaskCompletionSource _firstReadDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _part;

    public Task FirstReadDone => _firstReadDone.Task;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public void Release() => _released.TrySetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        switch (_part++)
        {
            case 0:
                content.CopyTo(buffer);
                _firstReadDone.TrySetResult();
                return content.Length;
            case 1:
                await _released.Task.WaitAsync(cancellationToken);
                content.CopyTo(buffer);
                return content.Length;
            default:
                return 0;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
