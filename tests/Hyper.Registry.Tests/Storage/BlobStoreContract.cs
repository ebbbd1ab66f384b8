using System.Text;

using Hyper.Oci;
using Hyper.Registry.Storage;

namespace Hyper.Registry.Tests.Storage;

/// <summary>
/// What every <see cref="IBlobStore"/> must do. A backend's test class derives from this and says how
/// to make a fresh, empty store; backend-specific behaviour is tested next to it.
/// </summary>
public abstract class BlobStoreContract
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A new, empty store; called once per test.</summary>
    protected abstract IBlobStore CreateStore();

    [Fact]
    public async Task Put_then_open_returns_the_same_bytes()
    {
        var store = CreateStore();
        var content = "hello, blob"u8.ToArray();
        var digest = Digest.Compute(content);

        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        var blob = await store.OpenAsync(digest, CancellationToken.None);
        Assert.NotNull(blob);
        Assert.Equal(content.Length, blob.Length);
        Assert.Equal(content, await ReadAllAsync(blob));
    }

    [Fact]
    public async Task Put_returns_the_size_of_the_blob_and_size_reports_it()
    {
        var store = CreateStore();
        var content = GeneratedStream.Bytes(100_000);
        var digest = Digest.Compute(content);

        var stored = await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        Assert.Equal(100_000, stored);
        Assert.Equal(100_000, await store.GetSizeAsync(digest, CancellationToken.None));
    }

    [Fact]
    public async Task A_blob_never_stored_is_not_found()
    {
        var store = CreateStore();
        var digest = Digest.Compute("never stored"u8);

        Assert.Null(await store.GetSizeAsync(digest, CancellationToken.None));
        Assert.Null(await store.OpenAsync(digest, CancellationToken.None));
        Assert.False(await store.DeleteAsync(digest, CancellationToken.None));
    }

    [Fact]
    public async Task Put_with_wrong_digest_stores_nothing()
    {
        var store = CreateStore();
        var content = "the real content"u8.ToArray();
        var claimed = Digest.Compute("what the client said it was"u8);

        await Assert.ThrowsAsync<DigestMismatchException>(() => store.PutAsync(claimed, new MemoryStream(content), CancellationToken.None));

        Assert.Null(await store.GetSizeAsync(claimed, CancellationToken.None));
        Assert.Null(await store.GetSizeAsync(Digest.Compute(content), CancellationToken.None));
    }

    [Fact]
    public async Task Put_with_wrong_bytes_for_a_stored_blob_is_rejected_and_keeps_the_blob()
    {
        var store = CreateStore();
        var content = "original"u8.ToArray();
        var digest = Digest.Compute(content);
        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        await Assert.ThrowsAsync<DigestMismatchException>(() => store.PutAsync(digest, new MemoryStream("impostor"u8.ToArray()), CancellationToken.None));

        Assert.Equal(content, await ReadAllAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task Put_of_existing_blob_is_idempotent()
    {
        var store = CreateStore();
        var content = GeneratedStream.Bytes(4096);
        var digest = Digest.Compute(content);

        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);
        var again = await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        Assert.Equal(content.Length, again);
        Assert.Equal(content, await ReadAllAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task Concurrent_puts_of_the_same_blob_leave_one_valid_blob()
    {
        var store = CreateStore();
        const int size = 1024 * 1024;
        var digest = await GeneratedStream.DigestOf(size);
        using var putsDone = new CancellationTokenSource();

        // While the puts race, whatever a reader can open must already be the whole, verified blob.
        var reader = Task.Run(async () =>
        {
            var seen = 0;
            while (!putsDone.IsCancellationRequested)
            {
                if (await store.OpenAsync(digest, CancellationToken.None) is { } blob)
                {
                    Assert.Equal(size, blob.Length);
                    Assert.Equal(digest, await DigestOfAsync(blob));
                    seen++;
                }

                await Task.Yield();
            }

            return seen;
        });
        var puts = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => store.PutAsync(digest, new GeneratedStream(size, maxReadSize: 8192) { BeforeRead = YieldAsync }, CancellationToken.None)))
            .ToArray();

        var sizes = await Task.WhenAll(puts).WaitAsync(Patience);
        await putsDone.CancelAsync();
        await reader.WaitAsync(Patience);

        Assert.All(sizes, stored => Assert.Equal(size, stored));
        var blob = await store.OpenAsync(digest, CancellationToken.None);
        Assert.NotNull(blob);
        Assert.Equal(digest, await DigestOfAsync(blob));
    }

    [Fact]
    public async Task Cancelled_put_leaves_no_blob()
    {
        var store = CreateStore();
        const int size = 256 * 1024;
        var digest = await GeneratedStream.DigestOf(size);
        using var cancellation = new CancellationTokenSource();
        var content = new GeneratedStream(size) { BeforeRead = (position, _) => CancelAt(position, 100_000, cancellation) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync(digest, content, cancellation.Token));

        Assert.Null(await store.GetSizeAsync(digest, CancellationToken.None));
        Assert.Null(await store.OpenAsync(digest, CancellationToken.None));
    }

    [Fact]
    public async Task Put_whose_content_fails_midway_leaves_no_blob()
    {
        var store = CreateStore();
        const int size = 256 * 1024;
        var digest = await GeneratedStream.DigestOf(size);
        var content = new GeneratedStream(size) { BeforeRead = (position, _) => FailAt(position, 100_000) };

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(digest, content, CancellationToken.None));

        Assert.Null(await store.GetSizeAsync(digest, CancellationToken.None));
    }

    [Fact]
    public async Task Removing_abandoned_writes_leaves_blobs_uploads_and_a_put_in_progress_alone()
    {
        var store = CreateStore();
        var content = GeneratedStream.Bytes(4096);
        var digest = Digest.Compute(content);
        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        await store.AppendUploadAsync(upload, 0, new MemoryStream(content), CancellationToken.None);
        var pending = new BlockingStream(content);
        var pendingDigest = Digest.Compute(content.Concat(content).ToArray());
        var put = store.PutAsync(pendingDigest, pending, CancellationToken.None);
        await pending.FirstReadDone;

        var removed = await store.RemoveAbandonedWritesAsync(CancellationToken.None);
        pending.Release();
        await put;

        Assert.Equal(0, removed);
        Assert.Equal(content.Length, await store.GetSizeAsync(digest, CancellationToken.None));
        Assert.Equal(content.Length, await store.GetUploadSizeAsync(upload, CancellationToken.None));
        Assert.Equal(2 * content.Length, await store.GetSizeAsync(pendingDigest, CancellationToken.None));
    }

    [Fact]
    public async Task Empty_blob_can_be_stored_and_read()
    {
        var store = CreateStore();
        var digest = Digest.Compute([]);

        Assert.Equal(0, await store.PutAsync(digest, new MemoryStream(), CancellationToken.None));

        Assert.Equal(0, await store.GetSizeAsync(digest, CancellationToken.None));
        Assert.Empty(await ReadAllAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task Sha512_blobs_are_stored_and_read_back()
    {
        var store = CreateStore();
        var content = GeneratedStream.Bytes(70_000, seed: 512);
        var digest = Digest.Compute(content, Digest.Sha512);

        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        Assert.Equal(content, await ReadAllAsync(await store.OpenAsync(digest, CancellationToken.None)));
        Assert.Null(await store.GetSizeAsync(Digest.Compute(content, Digest.Sha256), CancellationToken.None));
    }

    [Fact]
    public async Task Large_blob_is_streamed_in_and_out_unchanged()
    {
        var store = CreateStore();
        const long size = (20 * 1024 * 1024) + 123;
        var digest = await GeneratedStream.DigestOf(size, seed: 20);

        var stored = await store.PutAsync(digest, new GeneratedStream(size, seed: 20), CancellationToken.None);

        Assert.Equal(size, stored);
        var blob = await store.OpenAsync(digest, CancellationToken.None);
        Assert.NotNull(blob);
        Assert.Equal(size, blob.Length);
        Assert.Equal(digest, await DigestOfAsync(blob));
    }

    [Fact]
    public async Task Stored_blob_can_be_read_by_several_readers_at_once()
    {
        var store = CreateStore();
        var content = GeneratedStream.Bytes(300_000, seed: 3);
        var digest = Digest.Compute(content);
        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);
        var blob = await store.OpenAsync(digest, CancellationToken.None);
        Assert.NotNull(blob);

        using var first = blob.OpenRead();
        using var second = blob.OpenRead();
        var firstCopy = new MemoryStream();
        var secondCopy = new MemoryStream();
        await Task.WhenAll(first.CopyToAsync(firstCopy), second.CopyToAsync(secondCopy));

        Assert.Equal(content, firstCopy.ToArray());
        Assert.Equal(content, secondCopy.ToArray());
    }

    [Fact]
    public async Task Delete_removes_a_blob()
    {
        var store = CreateStore();
        var content = "to be deleted"u8.ToArray();
        var digest = Digest.Compute(content);
        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        Assert.True(await store.DeleteAsync(digest, CancellationToken.None));

        Assert.Null(await store.GetSizeAsync(digest, CancellationToken.None));
        Assert.Null(await store.OpenAsync(digest, CancellationToken.None));
        Assert.False(await store.DeleteAsync(digest, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_leaves_other_blobs_alone()
    {
        var store = CreateStore();
        var kept = "kept"u8.ToArray();
        var deleted = "deleted"u8.ToArray();
        await store.PutAsync(Digest.Compute(kept), new MemoryStream(kept), CancellationToken.None);
        await store.PutAsync(Digest.Compute(deleted), new MemoryStream(deleted), CancellationToken.None);

        await store.DeleteAsync(Digest.Compute(deleted), CancellationToken.None);

        Assert.Equal(kept, await ReadAllAsync(await store.OpenAsync(Digest.Compute(kept), CancellationToken.None)));
    }

    [Fact]
    public async Task Blob_deleted_then_put_again_is_stored_again()
    {
        var store = CreateStore();
        var content = "comes back"u8.ToArray();
        var digest = Digest.Compute(content);
        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);
        await store.DeleteAsync(digest, CancellationToken.None);

        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        Assert.Equal(content, await ReadAllAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task New_upload_is_empty()
    {
        var store = CreateStore();
        var upload = NewUploadId();

        await store.CreateUploadAsync(upload, CancellationToken.None);

        Assert.Equal(0, await store.GetUploadSizeAsync(upload, CancellationToken.None));
    }

    [Fact]
    public async Task Upload_never_created_has_no_size()
    {
        var store = CreateStore();

        Assert.Null(await store.GetUploadSizeAsync(NewUploadId(), CancellationToken.None));
    }

    [Fact]
    public async Task Append_returns_the_new_length()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);

        Assert.Equal(5, await store.AppendUploadAsync(upload, 0, Chunk("hello"), CancellationToken.None));
        Assert.Equal(11, await store.AppendUploadAsync(upload, 5, Chunk(" world"), CancellationToken.None));
        Assert.Equal(11, await store.AppendUploadAsync(upload, 11, new MemoryStream(), CancellationToken.None));

        Assert.Equal(11, await store.GetUploadSizeAsync(upload, CancellationToken.None));
    }

    [Fact]
    public async Task Chunks_appended_in_order_commit_to_the_blob()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        var content = "first chunk, second chunk, third chunk"u8.ToArray();
        var digest = Digest.Compute(content);
        await store.CreateUploadAsync(upload, CancellationToken.None);

        await store.AppendUploadAsync(upload, 0, new MemoryStream(content, 0, 13), CancellationToken.None);
        await store.AppendUploadAsync(upload, 13, new MemoryStream(content, 13, 14), CancellationToken.None);
        await store.AppendUploadAsync(upload, 27, new MemoryStream(content, 27, content.Length - 27), CancellationToken.None);
        await store.CommitUploadAsync(upload, digest, CancellationToken.None);

        Assert.Equal(content, await ReadAllAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task Large_upload_in_uneven_chunks_commits_unchanged()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        const long size = (20 * 1024 * 1024) + 77;
        var digest = await GeneratedStream.DigestOf(size, seed: 7);
        await store.CreateUploadAsync(upload, CancellationToken.None);

        long length = 0;
        foreach (var chunkEnd in new long[] { (3 * 1024 * 1024) + 1, (3 * 1024 * 1024) + 2, 13 * 1024 * 1024, size })
        {
            length = await store.AppendUploadAsync(upload, length, new GeneratedStream(chunkEnd, seed: 7, start: length), CancellationToken.None);
        }

        Assert.Equal(size, length);
        await store.CommitUploadAsync(upload, digest, CancellationToken.None);
        var blob = await store.OpenAsync(digest, CancellationToken.None);
        Assert.NotNull(blob);
        Assert.Equal(digest, await DigestOfAsync(blob));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(1000)]
    public async Task Append_at_wrong_offset_is_rejected_with_the_current_length(long offset)
    {
        var store = CreateStore();
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        await store.AppendUploadAsync(upload, 0, Chunk("four"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<UploadOffsetMismatchException>(
            () => store.AppendUploadAsync(upload, offset, Chunk("more"), CancellationToken.None));

        Assert.Equal(4, error.CurrentLength);
        Assert.Equal("four"u8.ToArray(), await ReadUploadAsync(store, upload));
    }

    [Fact]
    public async Task Failed_append_keeps_bytes_written_before_the_failure()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        const int size = 300_000;
        const int failAt = 30 * 4096;
        var digest = await GeneratedStream.DigestOf(size, seed: 9);
        await store.CreateUploadAsync(upload, CancellationToken.None);
        var failing = new GeneratedStream(size, seed: 9, maxReadSize: 4096) { BeforeRead = (position, _) => FailAt(position, failAt) };

        var error = await Assert.ThrowsAsync<IOException>(() => store.AppendUploadAsync(upload, 0, failing, CancellationToken.None));

        Assert.Equal("connection reset", error.Message);
        Assert.Equal(failAt, await store.GetUploadSizeAsync(upload, CancellationToken.None));

        // The client resumes from the length it is told, and the result is the blob it meant.
        await store.AppendUploadAsync(upload, failAt, new GeneratedStream(size, seed: 9, start: failAt), CancellationToken.None);
        await store.CommitUploadAsync(upload, digest, CancellationToken.None);
        Assert.Equal(digest, await DigestOfAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task Cancelled_append_leaves_an_upload_that_resumes_from_its_length()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        const int size = 300_000;
        const int cancelAt = 12 * 16 * 1024;
        var digest = await GeneratedStream.DigestOf(size, seed: 10);
        await store.CreateUploadAsync(upload, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var cancelled = new GeneratedStream(size, seed: 10) { BeforeRead = (position, _) => CancelAt(position, cancelAt, cancellation) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendUploadAsync(upload, 0, cancelled, cancellation.Token));

        var kept = await store.GetUploadSizeAsync(upload, CancellationToken.None);
        Assert.InRange(kept!.Value, 0, cancelAt);
        await store.AppendUploadAsync(upload, kept.Value, new GeneratedStream(size, seed: 10, start: kept.Value), CancellationToken.None);
        await store.CommitUploadAsync(upload, digest, CancellationToken.None);
        Assert.Equal(digest, await DigestOfAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task Concurrent_appends_to_one_upload_never_interleave()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        var firstIsCopying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstContent = GeneratedStream.Bytes(50_000, seed: 1);

        // The first append has checked its offset and waits for its body; the second comes for the same offset.
        var first = store.AppendUploadAsync(
            upload,
            0,
            new GeneratedStream(50_000, seed: 1)
            {
                BeforeRead = async (position, _) =>
                {
                    if (position == 0)
                    {
                        firstIsCopying.TrySetResult();
                        await releaseFirst.Task;
                    }
                },
            },
            CancellationToken.None);
        await firstIsCopying.Task.WaitAsync(Patience);
        var second = store.AppendUploadAsync(upload, 0, new GeneratedStream(50_000, seed: 2), CancellationToken.None);
        releaseFirst.SetResult();

        Assert.Equal(50_000, await first.WaitAsync(Patience));
        await Assert.ThrowsAsync<UploadOffsetMismatchException>(() => second.WaitAsync(Patience));
        Assert.Equal(firstContent, await ReadUploadAsync(store, upload));
    }

    [Fact]
    public async Task Uploads_are_independent_of_each_other()
    {
        var store = CreateStore();
        var one = NewUploadId();
        var other = NewUploadId();
        await store.CreateUploadAsync(one, CancellationToken.None);
        await store.CreateUploadAsync(other, CancellationToken.None);

        await store.AppendUploadAsync(one, 0, Chunk("one"), CancellationToken.None);
        await store.AppendUploadAsync(other, 0, Chunk("other"), CancellationToken.None);
        await store.AppendUploadAsync(one, 3, Chunk("!"), CancellationToken.None);

        Assert.Equal("one!"u8.ToArray(), await ReadUploadAsync(store, one));
        Assert.Equal("other"u8.ToArray(), await ReadUploadAsync(store, other));
    }

    [Fact]
    public async Task Open_upload_reads_the_bytes_received_so_far()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        await store.AppendUploadAsync(upload, 0, Chunk("so far"), CancellationToken.None);

        Assert.Equal("so far"u8.ToArray(), await ReadUploadAsync(store, upload));
    }

    [Fact]
    public async Task Committed_upload_is_no_longer_an_upload()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        await store.AppendUploadAsync(upload, 0, Chunk("committed"), CancellationToken.None);

        await store.CommitUploadAsync(upload, Digest.Compute("committed"u8), CancellationToken.None);

        Assert.Null(await store.GetUploadSizeAsync(upload, CancellationToken.None));
        Assert.Equal(9, await store.GetSizeAsync(Digest.Compute("committed"u8), CancellationToken.None));
    }

    [Fact]
    public async Task Commit_for_a_blob_already_stored_keeps_the_blob_and_removes_the_upload()
    {
        var store = CreateStore();
        var content = "pushed twice"u8.ToArray();
        var digest = Digest.Compute(content);
        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        await store.AppendUploadAsync(upload, 0, new MemoryStream(content), CancellationToken.None);

        await store.CommitUploadAsync(upload, digest, CancellationToken.None);

        Assert.Null(await store.GetUploadSizeAsync(upload, CancellationToken.None));
        Assert.Equal(content, await ReadAllAsync(await store.OpenAsync(digest, CancellationToken.None)));
    }

    [Fact]
    public async Task Delete_upload_removes_its_data()
    {
        var store = CreateStore();
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        await store.AppendUploadAsync(upload, 0, Chunk("abandoned"), CancellationToken.None);

        await store.DeleteUploadAsync(upload, CancellationToken.None);

        Assert.Null(await store.GetUploadSizeAsync(upload, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_of_an_upload_that_does_not_exist_is_not_an_error()
    {
        var store = CreateStore();

        await store.DeleteUploadAsync(NewUploadId(), CancellationToken.None);
    }

    protected static string NewUploadId() => Guid.NewGuid().ToString("D");

    protected static MemoryStream Chunk(string text) => new(Encoding.UTF8.GetBytes(text));

    protected static async Task<byte[]> ReadAllAsync(StoredBlob? blob)
    {
        Assert.NotNull(blob);
        using var content = blob.OpenRead();
        var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected static async Task<Digest> DigestOfAsync(StoredBlob? blob)
    {
        Assert.NotNull(blob);
        using var content = blob.OpenRead();
        return await Digest.ComputeAsync(content);
    }

    protected static async Task<byte[]> ReadUploadAsync(IBlobStore store, string upload)
    {
        using var content = await store.OpenUploadAsync(upload, CancellationToken.None);
        var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected static ValueTask FailAt(long position, long failAt) =>
        position >= failAt ? ValueTask.FromException(new IOException("connection reset")) : ValueTask.CompletedTask;

    protected static ValueTask CancelAt(long position, long cancelAt, CancellationTokenSource cancellation)
    {
        if (position >= cancelAt)
        {
            cancellation.Cancel();
        }

        return ValueTask.CompletedTask;
    }

    private static async ValueTask YieldAsync(long position, CancellationToken cancellationToken) => await Task.Yield();
}
