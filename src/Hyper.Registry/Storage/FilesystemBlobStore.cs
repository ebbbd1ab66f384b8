using System.Buffers;
using System.Collections.Concurrent;

using Hyper.Oci;

namespace Hyper.Registry.Storage;

/// <summary>
/// Blobs and uploads as files under one root directory:
/// <c>blobs/&lt;algorithm&gt;/&lt;first two hex digits&gt;/&lt;hex&gt;</c> for blobs,
/// <c>uploads/&lt;upload id&gt;</c> for upload data, and <c>tmp/</c> for blobs being written.
/// Every path is built from a validated <see cref="Digest"/> or from an upload id that must be a GUID,
/// so no argument can name a file outside the root.
/// </summary>
public sealed class FilesystemBlobStore : IBlobStore
{
    /// <summary>
    /// Appends gather the request body into pieces this large before writing: a request body arrives in
    /// reads of a few KiB, and one write per read costs a system call each.
    /// </summary>
    private const int AppendBufferSize = 1024 * 1024;

    /// <summary>
    /// For reading blobs and for writing puts: large enough to turn small reads and writes into few
    /// system calls, below the large-object heap threshold so a stream per request stays cheap.
    /// </summary>
    private const int FileBufferSize = 80 * 1024;

    /// <summary>
    /// A temp file nobody holds is abandoned once it is this old. A live writer holds its file's lock
    /// from creation to the rename; the age only covers the instants around those two, when the file
    /// exists unlocked.
    /// </summary>
    private static readonly TimeSpan UnheldTempFileAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Without file locks (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) a held file cannot be told from an
    /// abandoned one: a temp file counts as abandoned once untouched this long, far beyond any stall the
    /// web server lets a request body have.
    /// </summary>
    private static readonly TimeSpan UntouchedTempFileAge = TimeSpan.FromHours(1);

    private static readonly FileStreamOptions ReadOptions = new()
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        // Delete: a blob or upload being read may be deleted, or replaced by a concurrent put.
        Share = FileShare.Read | FileShare.Delete,
        Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
        BufferSize = FileBufferSize,
    };

    private readonly string _blobs;
    private readonly string _uploads;
    private readonly string _tmp;

    /// <summary>
    /// Upload ids (canonical form) with an append or commit running in this store. The lock .NET takes
    /// for FileShare.None keeps out other processes and stores, but it is advisory and skipped when file
    /// locking is switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING), so this store does not rely on it alone.
    /// </summary>
    private readonly ConcurrentDictionary<string, byte> _uploadsInUse = new(StringComparer.Ordinal);

    /// <summary>Opens (creating when missing) the store under <paramref name="rootDirectory"/> and
    /// removes temp files left by writers that died.</summary>
    public FilesystemBlobStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        _blobs = Directory.CreateDirectory(Path.Combine(RootDirectory, "blobs")).FullName;
        _uploads = Directory.CreateDirectory(Path.Combine(RootDirectory, "uploads")).FullName;
        _tmp = Directory.CreateDirectory(Path.Combine(RootDirectory, "tmp")).FullName;
        DirectoryEntries.FlushToDisk(RootDirectory);

        // A root that cannot be written fails here, at start, rather than at the first push.
        File.Create(Path.Combine(_tmp, Guid.NewGuid().ToString("N")), 1, FileOptions.DeleteOnClose).Dispose();
        RemoveAbandonedTempFiles();
    }

    /// <summary>The absolute root directory.</summary>
    public string RootDirectory { get; }

    public ValueTask<long?> GetSizeAsync(Digest digest, CancellationToken cancellationToken)
    {
        var path = BlobPath(digest);
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(path);
        return ValueTask.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public ValueTask<StoredBlob?> OpenAsync(Digest digest, CancellationToken cancellationToken)
    {
        var path = BlobPath(digest);
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return ValueTask.FromResult<StoredBlob?>(null);
        }

        return ValueTask.FromResult<StoredBlob?>(new StoredBlob(file.Length, path, () => new FileStream(path, ReadOptions)));
    }

    public async Task<long> PutAsync(Digest digest, Stream content, CancellationToken cancellationToken)
    {
        var blobPath = BlobPath(digest);
        ArgumentNullException.ThrowIfNull(content);
        cancellationToken.ThrowIfCancellationRequested();

        // The bytes go to a private temp file on the same filesystem and are renamed into place only
        // once verified: a reader sees the whole blob or none, and a crash leaves only a temp file.
        var tempPath = Path.Combine(_tmp, Guid.NewGuid().ToString("N"));
        try
        {
            long size;
            var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileBufferSize, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                size = await Digest.CopyAndVerifyAsync(content, file, digest, expectedSize: null, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            MoveIntoPlace(tempPath, blobPath);
            return size;
        }
        catch
        {
            DeleteIfPresent(tempPath);
            throw;
        }
    }

    public Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken)
    {
        var path = BlobPath(digest);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        // The emptied prefix directory stays: removing it would race with a put creating a blob in it.
        File.Delete(path);
        return Task.FromResult(true);
    }

    public Task CreateUploadAsync(string uploadId, CancellationToken cancellationToken)
    {
        var path = UploadPath(CanonicalUploadId(uploadId));
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // CreateNew: reusing an id must not empty another upload's data.
            File.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new IOException($"upload {uploadId} already exists; a new upload needs a new id", e);
        }

        return Task.CompletedTask;
    }

    public ValueTask<long?> GetUploadSizeAsync(string uploadId, CancellationToken cancellationToken)
    {
        var path = UploadPath(CanonicalUploadId(uploadId));
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(path);
        return ValueTask.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public async Task<long> AppendUploadAsync(string uploadId, long offset, Stream data, CancellationToken cancellationToken)
    {
        var id = CanonicalUploadId(uploadId);
        var path = UploadPath(id);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentNullException.ThrowIfNull(data);
        cancellationToken.ThrowIfCancellationRequested();

        // Two appends at once would both pass the offset check and write over each other. The second
        // is refused at once rather than queued: its offset is stale by the time the first finishes, and
        // the 416 this becomes is what the spec has a retrying client recover from (it asks for the
        // upload's status and resumes from there). A generic I/O error would be a 500, retried blindly.
        if (!_uploadsInUse.TryAdd(id, 0))
        {
            throw UploadInUse(uploadId, offset, path);
        }

        try
        {
            var file = OpenUploadForAppend(uploadId, offset, path);
            await using (file.ConfigureAwait(false))
            {
                if (file.Length != offset)
                {
                    throw new UploadOffsetMismatchException(uploadId, offset, file.Length);
                }

                file.Seek(0, SeekOrigin.End);
                await CopyKeepingWhatArrivedAsync(data, file, cancellationToken).ConfigureAwait(false);
                return file.Length;
            }
        }
        finally
        {
            _uploadsInUse.TryRemove(id, out _);
        }
    }

    public Task<Stream> OpenUploadAsync(string uploadId, CancellationToken cancellationToken)
    {
        var path = UploadPath(CanonicalUploadId(uploadId));
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, ReadOptions));
        }
        catch (FileNotFoundException e)
        {
            throw UploadNotFound(uploadId, path, e);
        }
    }

    public Task CommitUploadAsync(string uploadId, Digest digest, CancellationToken cancellationToken)
    {
        var id = CanonicalUploadId(uploadId);
        var uploadPath = UploadPath(id);
        var blobPath = BlobPath(digest);
        cancellationToken.ThrowIfCancellationRequested();

        // An append still running would keep writing into the file after it became the blob.
        if (!_uploadsInUse.TryAdd(id, 0))
        {
            throw new IOException($"upload {uploadId} is being appended to; commit it once that request has finished");
        }

        try
        {
            MoveUploadToBlob(uploadId, uploadPath, blobPath);
        }
        finally
        {
            _uploadsInUse.TryRemove(id, out _);
        }

        return Task.CompletedTask;
    }

    public Task DeleteUploadAsync(string uploadId, CancellationToken cancellationToken)
    {
        var path = UploadPath(CanonicalUploadId(uploadId));
        cancellationToken.ThrowIfCancellationRequested();
        File.Delete(path);
        return Task.CompletedTask;
    }

    private void MoveUploadToBlob(string uploadId, string uploadPath, string blobPath)
    {
        // Shared (not exclusive) access: readers that hashed the upload may still hold it open, while an
        // append from another process holds the exclusive lock and makes this fail.
        FileStream file;
        try
        {
            file = new FileStream(uploadPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException e)
        {
            throw UploadNotFound(uploadId, uploadPath, e);
        }
        catch (IOException e) when (IsLockedByAnotherHandle(e))
        {
            throw new IOException($"upload {uploadId} is being appended to by another process; commit it once that request has finished", e);
        }

        using (file)
        {
            // Appends are not synced one by one (a client resumes from whatever length survives); the
            // whole upload is, once, before it becomes the blob.
            file.Flush(flushToDisk: true);
            MoveIntoPlace(uploadPath, blobPath);
        }
    }

    /// <summary>
    /// Renames a complete, verified and synced file into place as a blob, replacing what is stored under
    /// that digest, and makes the rename durable.
    /// </summary>
    /// <remarks>
    /// Replacing rather than keeping a blob already there is what repairs one that came back short after a
    /// power cut or was damaged: the verified bytes win. It is safe: a concurrent put of the same digest holds
    /// the same bytes, and readers of the replaced file keep reading the file they opened.
    /// Synced because a 201 promises the blob: without the syncs a power cut could leave a short file under
    /// the digest (then reported damaged until pushed again). Distribution's filesystem driver syncs too.
    /// Measured with curl pushing to 127.0.0.1 (ext4 on a virtual disk, 2 busy cores, noisy): a 32 MiB blob
    /// took about 0.1 s longer (0.15-0.3 s before), a 512 MiB one 0.3-1.7 s longer (2-3 s before), most
    /// of it at the final PUT of a chunked upload, which now waits for the whole upload to reach the disk.
    /// </remarks>
    private void MoveIntoPlace(string completePath, string blobPath)
    {
        var directory = Path.GetDirectoryName(blobPath)!;
        CreateBlobDirectory(directory);
        File.Move(completePath, blobPath, overwrite: true);
        DirectoryEntries.FlushToDisk(directory);
    }

    /// <summary>Creates a blob's prefix directory when missing, with a name as durable as the blob's.</summary>
    private void CreateBlobDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var algorithmDirectory = Path.GetDirectoryName(directory)!;
        var newAlgorithm = !Directory.Exists(algorithmDirectory);
        Directory.CreateDirectory(directory);
        if (newAlgorithm)
        {
            DirectoryEntries.FlushToDisk(_blobs);
        }

        DirectoryEntries.FlushToDisk(algorithmDirectory);
    }

    private static FileStream OpenUploadForAppend(string uploadId, long offset, string path)
    {
        try
        {
            // FileShare.None takes an exclusive lock, which keeps out appends from other processes.
            return new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException e)
        {
            throw UploadNotFound(uploadId, path, e);
        }
        catch (IOException e) when (IsLockedByAnotherHandle(e))
        {
            throw UploadInUse(uploadId, offset, path);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to the end of <paramref name="destination"/> in large writes. When
    /// the source fails or the copy is cancelled, the bytes already received are written before the
    /// exception goes on, so the client can resume after them instead of sending them again.
    /// </summary>
    private static async Task CopyKeepingWhatArrivedAsync(Stream source, FileStream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(AppendBufferSize);
        var filled = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
                if (filled == buffer.Length)
                {
                    // Cleared before writing, so a failed write is not tried again below.
                    var count = filled;
                    filled = 0;
                    await destination.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                }
            }

            if (filled > 0)
            {
                var count = filled;
                filled = 0;
                await destination.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            }
        }
        catch when (filled > 0)
        {
            await WriteReceivedBytesAsync(destination, buffer.AsMemory(0, filled)).ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task WriteReceivedBytesAsync(FileStream destination, ReadOnlyMemory<byte> received)
    {
        try
        {
            // Not cancellable: the request is already failing, and this is at most one buffer.
            await destination.WriteAsync(received, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The error that stopped the copy is the one to report; the upload's length tells the
            // client how much of its data is kept.
        }
    }

    private static UploadOffsetMismatchException UploadInUse(string uploadId, long offset, string path)
    {
        var length = new FileInfo(path) is { Exists: true } file ? file.Length : 0;
        return new UploadOffsetMismatchException(
            uploadId,
            offset,
            length,
            $"upload {uploadId} is in use by another request ({length} bytes so far), so a chunk for offset {offset} cannot be appended now; " +
            "ask for the upload's status and send the next chunk from the length it reports");
    }

    private static FileNotFoundException UploadNotFound(string uploadId, string path, Exception? inner) =>
        new($"upload {uploadId} has no data: it was never created, or it was already committed or deleted; start a new upload", path, inner);

    /// <summary>
    /// True when opening failed because another handle holds the file's lock. .NET implements FileShare
    /// on Unix with a non-blocking flock, reported as EWOULDBLOCK; Windows reports a sharing violation.
    /// </summary>
    private static bool IsLockedByAnotherHandle(IOException e)
    {
        const int sharingViolation = unchecked((int)0x80070020);
        const int eWouldBlockLinux = 11;
        const int eWouldBlockBsd = 35;
        return e.HResult == (OperatingSystem.IsWindows() ? sharingViolation
            : OperatingSystem.IsLinux() || OperatingSystem.IsAndroid() ? eWouldBlockLinux
            : eWouldBlockBsd);
    }

    private static void DeleteIfPresent(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only ever a temp file: invisible as a blob, and removed as abandoned by a later sweep.
        }
    }

    public Task<int> RemoveAbandonedWritesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(RemoveAbandonedTempFiles());
    }

    /// <summary>
    /// Removes temp files no writer holds: a put holds its temp file's lock (FileShare.None) until it
    /// is renamed into place, in whichever process or store on this root it runs, so a file whose lock can
    /// be taken belongs to a writer that died or was stopped without its cleanup.
    /// </summary>
    private int RemoveAbandonedTempFiles()
    {
        var lockingDisabled = IsFileLockingDisabled();
        var abandonedBefore = DateTime.UtcNow - (lockingDisabled ? UntouchedTempFileAge : UnheldTempFileAge);
        var removed = 0;
        foreach (var file in new DirectoryInfo(_tmp).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc >= abandonedBefore)
            {
                continue;
            }

            if (lockingDisabled)
            {
                DeleteIfPresent(file.FullName);
                removed++;
                continue;
            }

            try
            {
                // Deleted while its lock is held here (Unix allows it), so no writer can take it up in between.
                using var unheld = new FileStream(file.FullName, FileMode.Open, FileAccess.Write, FileShare.None, bufferSize: 0);
                File.Delete(file.FullName);
                removed++;
            }
            catch (IOException)
            {
                // Held by a live writer, or gone already.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to remove.
            }
        }

        return removed;
    }

    private static bool IsFileLockingDisabled() =>
        (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
        || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true" or "TRUE" or "True";

    private string BlobPath(Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new ArgumentException("the digest is empty (default); a blob is named by a parsed or computed digest", nameof(digest));
        }

        // Safe as a path: Digest admits only sha256/sha512 and lowercase hex of the matching length.
        return Path.Combine(_blobs, digest.Algorithm, digest.Encoded[..2], digest.Encoded);
    }

    private string UploadPath(string canonicalUploadId) => Path.Combine(_uploads, canonicalUploadId);

    /// <summary>
    /// The id as the file name of its upload: a GUID in "N" or "D" format, written as lowercase "N", so
    /// every spelling of one GUID names the same upload and nothing else can name a file.
    /// </summary>
    private static string CanonicalUploadId(string uploadId)
    {
        ArgumentNullException.ThrowIfNull(uploadId);

        // The length check keeps out the whitespace Guid parsing would otherwise trim away.
        if ((uploadId.Length is 32 && Guid.TryParseExact(uploadId, "N", out var guid))
            || (uploadId.Length is 36 && Guid.TryParseExact(uploadId, "D", out guid)))
        {
            return guid.ToString("N");
        }

        throw new ArgumentException(
            $"upload id '{uploadId}' is not a GUID in \"N\" or \"D\" format (e.g. {Guid.Empty:D}); upload ids are made by the registry, so this one did not come from it",
            nameof(uploadId));
    }
}
