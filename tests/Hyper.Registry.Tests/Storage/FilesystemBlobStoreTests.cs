using Hyper.Oci;
using Hyper.Registry.Storage;

namespace Hyper.Registry.Tests.Storage;

public sealed class FilesystemBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    protected override IBlobStore CreateStore() => new FilesystemBlobStore(_root.Path);

    [Theory]
    [InlineData(Digest.Sha256)]
    [InlineData(Digest.Sha512)]
    public async Task Blobs_are_stored_at_blobs_algorithm_first_two_hex_digits_hex(string algorithm)
    {
        var store = new FilesystemBlobStore(_root.Path);
        var content = "laid out"u8.ToArray();
        var digest = Digest.Compute(content, algorithm);

        await store.PutAsync(digest, new MemoryStream(content), CancellationToken.None);

        var expectedPath = _root.Combine("blobs", algorithm, digest.Encoded[..2], digest.Encoded);
        Assert.Equal(content, await File.ReadAllBytesAsync(expectedPath));
        var blob = await store.OpenAsync(digest, CancellationToken.None);
        Assert.Equal(expectedPath, blob?.PhysicalPath);
    }

    [Fact]
    public async Task Upload_data_is_stored_at_uploads_id()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var upload = Guid.NewGuid();
        await store.CreateUploadAsync(upload.ToString("N"), CancellationToken.None);

        await store.AppendUploadAsync(upload.ToString("N"), 0, Chunk("data"), CancellationToken.None);

        Assert.Equal("data"u8.ToArray(), await File.ReadAllBytesAsync(_root.Combine("uploads", upload.ToString("N"))));
    }

    [Fact]
    public async Task Upload_ids_in_N_and_D_format_name_the_same_upload()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var upload = Guid.NewGuid();
        await store.CreateUploadAsync(upload.ToString("D"), CancellationToken.None);

        await store.AppendUploadAsync(upload.ToString("N").ToUpperInvariant(), 0, Chunk("same"), CancellationToken.None);

        Assert.Equal(4, await store.GetUploadSizeAsync(upload.ToString("N"), CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("not-a-guid")]
    [InlineData("../../blobs/sha256/2c/2cf24dba5fb0a30e26e83b2ac5b9e29e")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e/../x")]
    [InlineData("{0f8fad5b-d9cb-469f-a165-70867728950e}")]
    [InlineData(" 0f8fad5bd9cb469fa16570867728950e ")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e\n")]
    public async Task Invalid_upload_ids_are_rejected(string uploadId)
    {
        var store = new FilesystemBlobStore(_root.Path);
        var digest = Digest.Compute("x"u8);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateUploadAsync(uploadId, CancellationToken.None));
        Assert.Contains("is not a GUID", error.Message, StringComparison.Ordinal);
        Assert.Equal("uploadId", error.ParamName);
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetUploadSizeAsync(uploadId, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendUploadAsync(uploadId, 0, Chunk("x"), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenUploadAsync(uploadId, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitUploadAsync(uploadId, digest, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteUploadAsync(uploadId, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root.Combine("uploads")));
    }

    [Fact]
    public async Task Empty_digest_is_rejected()
    {
        var store = new FilesystemBlobStore(_root.Path);

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetSizeAsync(default, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(default, new MemoryStream(), CancellationToken.None));
    }

    [Fact]
    public async Task Operations_on_an_upload_that_does_not_exist_say_so()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var upload = NewUploadId();

        var append = await Assert.ThrowsAsync<FileNotFoundException>(() => store.AppendUploadAsync(upload, 0, Chunk("x"), CancellationToken.None));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenUploadAsync(upload, CancellationToken.None));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.CommitUploadAsync(upload, Digest.Compute("x"u8), CancellationToken.None));

        Assert.Contains($"upload {upload} has no data", append.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetSizeAsync(Digest.Compute("x"u8), CancellationToken.None));
    }

    [Fact]
    public async Task Creating_an_upload_that_exists_is_refused_and_keeps_its_data()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        await store.AppendUploadAsync(upload, 0, Chunk("kept"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => store.CreateUploadAsync(upload, CancellationToken.None));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, await store.GetUploadSizeAsync(upload, CancellationToken.None));
    }

    [Fact]
    public async Task A_concurrent_append_is_refused_at_once_while_the_first_still_runs()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = store.AppendUploadAsync(upload, 0, Blocked(release.Task), CancellationToken.None);

        var error = await Assert.ThrowsAsync<UploadOffsetMismatchException>(
            () => store.AppendUploadAsync(upload, 0, Chunk("second"), CancellationToken.None));

        Assert.Contains("in use by another request", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, error.CurrentLength);
        release.SetResult();
        Assert.Equal(1000, await first.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Appends_through_two_stores_on_one_root_do_not_interleave()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var otherProcess = new FilesystemBlobStore(_root.Path);
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = store.AppendUploadAsync(upload, 0, Blocked(release.Task), CancellationToken.None);

        var error = await Assert.ThrowsAsync<UploadOffsetMismatchException>(
            () => otherProcess.AppendUploadAsync(upload, 0, Chunk("second"), CancellationToken.None));

        Assert.Contains("in use by another request", error.Message, StringComparison.Ordinal);
        release.SetResult();
        Assert.Equal(1000, await first.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Commit_while_an_append_runs_is_refused()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var upload = NewUploadId();
        await store.CreateUploadAsync(upload, CancellationToken.None);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = store.AppendUploadAsync(upload, 0, Blocked(release.Task), CancellationToken.None);
        var digest = Digest.Compute([]);

        var error = await Assert.ThrowsAsync<IOException>(() => store.CommitUploadAsync(upload, digest, CancellationToken.None));

        Assert.Contains("is being appended to", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetSizeAsync(digest, CancellationToken.None));
        release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Put_leaves_no_temp_files_whether_it_succeeds_or_fails()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var content = GeneratedStream.Bytes(200_000);
        using var cancellation = new CancellationTokenSource();

        await store.PutAsync(Digest.Compute(content), new MemoryStream(content), CancellationToken.None);
        await Assert.ThrowsAsync<DigestMismatchException>(() => store.PutAsync(Digest.Compute("other"u8), new MemoryStream(content), CancellationToken.None));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync(
            Digest.Compute(content),
            new GeneratedStream(200_000) { BeforeRead = (position, _) => CancelAt(position, 50_000, cancellation) },
            cancellation.Token));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_root.Combine("tmp")));
    }

    [Fact]
    public async Task Temp_files_are_never_visible_as_blobs()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var content = "half written by a writer that died"u8.ToArray();
        var digest = Digest.Compute(content);

        await File.WriteAllBytesAsync(_root.Combine("tmp", digest.Encoded), content);
        await File.WriteAllBytesAsync(_root.Combine("tmp", Guid.NewGuid().ToString("N")), content);

        Assert.Null(await store.GetSizeAsync(digest, CancellationToken.None));
        Assert.Null(await store.OpenAsync(digest, CancellationToken.None));
        Assert.Null(await new FilesystemBlobStore(_root.Path).GetSizeAsync(digest, CancellationToken.None));
    }

    [Fact]
    public void Temp_files_no_writer_holds_are_removed_when_a_store_opens()
    {
        Directory.CreateDirectory(_root.Combine("tmp"));
        var abandoned = _root.Combine("tmp", Guid.NewGuid().ToString("N"));
        var held = _root.Combine("tmp", Guid.NewGuid().ToString("N"));
        var justCreated = _root.Combine("tmp", Guid.NewGuid().ToString("N"));
        File.WriteAllText(abandoned, "left by a killed process");
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddMinutes(-10));
        File.WriteAllText(justCreated, "a writer is about to lock it");

        // Another store on this root writes it: it holds the lock, however long the body takes.
        using (var writer = new FileStream(held, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            File.SetLastWriteTimeUtc(held, DateTime.UtcNow.AddMinutes(-10));

            _ = new FilesystemBlobStore(_root.Path);
        }

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(held));
        Assert.True(File.Exists(justCreated));
    }

    [Fact]
    public async Task The_temp_file_of_a_put_in_progress_is_kept_however_long_its_body_takes()
    {
        var store = new FilesystemBlobStore(_root.Path);
        var content = GeneratedStream.Bytes(4096);
        var digest = Digest.Compute(content.Concat(content).ToArray());
        var pending = new BlockingStream(content);
        var put = store.PutAsync(digest, pending, CancellationToken.None);
        await pending.FirstReadDone;
        var temp = Assert.Single(Directory.GetFiles(_root.Combine("tmp")));
        File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddHours(-2));

        var removed = await store.RemoveAbandonedWritesAsync(CancellationToken.None);
        pending.Release();
        await put;

        Assert.Equal(0, removed);
        Assert.Equal(2 * content.Length, await store.GetSizeAsync(digest, CancellationToken.None));
    }

    [Fact]
    public async Task A_store_opened_again_on_the_same_root_finds_blobs_and_uploads()
    {
        var content = "persisted"u8.ToArray();
        var digest = Digest.Compute(content);
        var upload = NewUploadId();
        var before = new FilesystemBlobStore(_root.Path);
        await before.PutAsync(digest, new MemoryStream(content), CancellationToken.None);
        await before.CreateUploadAsync(upload, CancellationToken.None);
        await before.AppendUploadAsync(upload, 0, Chunk("half"), CancellationToken.None);

        var after = new FilesystemBlobStore(_root.Path);

        Assert.Equal(content, await ReadAllAsync(await after.OpenAsync(digest, CancellationToken.None)));
        Assert.Equal(4, await after.GetUploadSizeAsync(upload, CancellationToken.None));
    }

    [Fact]
    public void Root_directory_is_created_with_its_layout()
    {
        var root = _root.Combine("does", "not", "exist", "yet");

        var store = new FilesystemBlobStore(root);

        Assert.Equal(root, store.RootDirectory);
        Assert.True(Directory.Exists(Path.Combine(root, "blobs")));
        Assert.True(Directory.Exists(Path.Combine(root, "uploads")));
        Assert.True(Directory.Exists(Path.Combine(root, "tmp")));
    }

    /// <summary>1000 bytes that only start to flow once <paramref name="release"/> completes.</summary>
    private static GeneratedStream Blocked(Task release) =>
        new(1000) { BeforeRead = async (position, _) => await release };
}
