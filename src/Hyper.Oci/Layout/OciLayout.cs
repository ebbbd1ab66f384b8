using System.Text.Json;

namespace Hyper.Oci.Layout;

/// <summary>
/// An OCI image layout directory (image-spec image-layout.md): the <c>oci-layout</c> marker,
/// <c>index.json</c> listing the images (tags in <c>org.opencontainers.image.ref.name</c>), and the
/// content under <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>. Blobs are hashed while they are
/// copied to a temporary file, verified, then renamed into place, so no reader ever sees a partial
/// or wrong blob under a digest's name. Blob paths are built only from parsed <see cref="Digest"/>
/// values, so nothing outside the directory can be named.
/// </summary>
/// <remarks>
/// Updates of index.json (read, change, write) hold a lock on the layout directory (flock, so between
/// processes too) as well as one within the instance: two processes tagging one layout at once both get
/// their tag, where skopeo and umoci can lose one.
/// </remarks>
public sealed partial class OciLayout
{
    public const string LayoutFileName = "oci-layout";
    public const string IndexFileName = "index.json";
    public const string BlobsDirectoryName = "blobs";
    public const string ImageLayoutVersion = "1.0.0";

    /// <summary>
    /// The largest manifest, index, config or index.json read into memory. Registries cap manifests
    /// at 4 MiB; anything this large is not a document but a mistake.
    /// </summary>
    public const int MaxDocumentSize = 16 * 1024 * 1024;

    private static readonly byte[] LayoutFileContent = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();

    private readonly SemaphoreSlim _indexLock = new(1, 1);

    private OciLayout(string path)
    {
        Path = path;
    }

    /// <summary>The layout directory, as a full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Makes <paramref name="path"/> an OCI layout: creates the directory, <c>oci-layout</c> and an
    /// empty <c>index.json</c>. A layout already there is opened as it is, its images kept.
    /// </summary>
    public static async Task<OciLayout> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var layout = new OciLayout(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path)));
        if (File.Exists(layout.Path))
        {
            throw new IOException($"cannot create an OCI layout at '{layout.Path}': it is a file; choose a directory");
        }

        Directory.CreateDirectory(layout.Path);
        var layoutFile = System.IO.Path.Combine(layout.Path, LayoutFileName);
        if (File.Exists(layoutFile))
        {
            await layout.CheckLayoutFileAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await layout.WriteFileAtomicallyAsync(LayoutFileName, LayoutFileContent, cancellationToken).ConfigureAwait(false);
        }

        if (!File.Exists(System.IO.Path.Combine(layout.Path, IndexFileName)))
        {
            await layout.WriteIndexAsync(new ImageIndex { Manifests = [] }, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(System.IO.Path.Combine(layout.Path, BlobsDirectoryName));
        return layout;
    }

    /// <summary>Opens the layout at <paramref name="path"/>, checking its <c>oci-layout</c> version and that it has an index.</summary>
    public static async Task<OciLayout> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var layout = new OciLayout(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path)));
        if (!Directory.Exists(layout.Path))
        {
            throw new DirectoryNotFoundException($"there is no OCI layout at '{layout.Path}': the directory does not exist");
        }

        await layout.CheckLayoutFileAsync(cancellationToken).ConfigureAwait(false);
        if (!File.Exists(System.IO.Path.Combine(layout.Path, IndexFileName)))
        {
            throw new InvalidOciDocumentException($"the OCI layout at '{layout.Path}' has no {IndexFileName}: it is incomplete; copy the image into it again");
        }

        return layout;
    }

    /// <summary>The file a blob is (or would be) stored in.</summary>
    public string GetBlobPath(Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new ArgumentException("the digest is empty (default); pass the digest of the blob", nameof(digest));
        }

        // Algorithm and Encoded come from a parsed Digest: lowercase letters, digits and nothing else.
        return System.IO.Path.Combine(Path, BlobsDirectoryName, digest.Algorithm, digest.Encoded);
    }

    public bool HasBlob(Digest digest) => File.Exists(GetBlobPath(digest));

    /// <summary>The digests of all blobs stored, ordered by algorithm then hex. Stray files are skipped.</summary>
    public IReadOnlyList<Digest> ListBlobs()
    {
        var blobs = new List<Digest>();
        var root = System.IO.Path.Combine(Path, BlobsDirectoryName);
        if (!Directory.Exists(root))
        {
            return blobs;
        }

        foreach (var algorithmDirectory in Directory.EnumerateDirectories(root))
        {
            var algorithm = System.IO.Path.GetFileName(algorithmDirectory);
            foreach (var file in Directory.EnumerateFiles(algorithmDirectory))
            {
                if (Digest.TryParse($"{algorithm}:{System.IO.Path.GetFileName(file)}", out var digest))
                {
                    blobs.Add(digest);
                }
            }
        }

        blobs.Sort(static (a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        return blobs;
    }

    /// <summary>
    /// Opens a blob for reading. Reading it to the end verifies it: the last read throws
    /// <see cref="DigestMismatchException"/> if the bytes on disk are not what the digest names.
    /// The stream reads forward only. Throws <see cref="BlobNotFoundException"/> when it is missing.
    /// </summary>
    public Stream OpenBlob(Digest digest) => OpenBlob(digest, expectedSize: null);

    /// <summary>Opens the blob <paramref name="descriptor"/> points at; see <see cref="OpenBlob(Digest)"/>. Its size is checked too.</summary>
    public Stream OpenBlob(Descriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return OpenBlob(descriptor.Digest, descriptor.Size);
    }

    /// <summary>Reads a blob to the end and throws <see cref="DigestMismatchException"/> unless it matches its digest (and size, when given).</summary>
    public async Task VerifyBlobAsync(Digest digest, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        var stream = (VerifyingReadStream)OpenBlob(digest, expectedSize);
        await using (stream.ConfigureAwait(false))
        {
            await stream.VerifyToEndAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads a small blob (a manifest or config) whole, verified against <paramref name="descriptor"/>.
    /// Blobs over <see cref="MaxDocumentSize"/> are refused: stream those with <see cref="OpenBlob(Descriptor)"/>.
    /// </summary>
    public async Task<byte[]> ReadBlobAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Size > MaxDocumentSize)
        {
            throw new InvalidOperationException(
                $"blob {descriptor.Digest} ({descriptor.MediaType}) is {descriptor.Size} bytes, over the {MaxDocumentSize} bytes read into memory; stream it with OpenBlob instead");
        }

        var content = new byte[descriptor.Size];
        var stream = (VerifyingReadStream)OpenBlob(descriptor.Digest, descriptor.Size);
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            await stream.VerifyToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        return content;
    }

    /// <summary>
    /// Stores the rest of <paramref name="content"/> as a blob and returns its descriptor. With
    /// <paramref name="expected"/> (and <paramref name="expectedSize"/>) the bytes are verified and
    /// nothing is stored unless they match; a blob already present under that digest is not copied
    /// again. The blob appears under its name only once complete and verified.
    /// </summary>
    public async Task<Descriptor> WriteBlobAsync(
        Stream content,
        string mediaType,
        Digest? expected = null,
        long? expectedSize = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        if (expected is { } known && known.IsEmpty)
        {
            throw new ArgumentException("the expected digest is empty (default); pass null to have it computed", nameof(expected));
        }

        if (expected is { } digest && TryGetExistingSize(digest, expectedSize) is { } existingSize)
        {
            return new Descriptor { MediaType = mediaType, Digest = digest, Size = existingSize };
        }

        var temporary = CreateTemporaryPath();
        try
        {
            Digest written;
            long size;
            var file = new FileStream(temporary, NewFileOptions());
            await using (file.ConfigureAwait(false))
            {
                if (expected is { } verified)
                {
                    size = await Digest.CopyAndVerifyAsync(content, file, verified, expectedSize, cancellationToken).ConfigureAwait(false);
                    written = verified;
                }
                else
                {
                    (written, size) = await CopyAndHashAsync(content, file, cancellationToken).ConfigureAwait(false);
                }

                // No fsync per blob: it cost 0.15 s of a 0.8 s pull of 20 layers (bench/client), and skopeo does
                // not sync either. A blob cut short by a power loss still fails its digest on read (OpenBlob
                // verifies); index.json, which names images, is still synced.
            }

            MoveIntoPlace(temporary, written);
            return new Descriptor { MediaType = mediaType, Digest = written, Size = size };
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Stores <paramref name="content"/> as a blob (digest computed) and returns its descriptor.</summary>
    public async Task<Descriptor> WriteBlobAsync(ReadOnlyMemory<byte> content, string mediaType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        var descriptor = new Descriptor { MediaType = mediaType, Digest = Digest.Compute(content.Span), Size = content.Length };
        if (TryGetExistingSize(descriptor.Digest, descriptor.Size) is not null)
        {
            return descriptor;
        }

        var temporary = CreateTemporaryPath();
        try
        {
            var file = new FileStream(temporary, NewFileOptions());
            await using (file.ConfigureAwait(false))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            }

            MoveIntoPlace(temporary, descriptor.Digest);
            return descriptor;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads and checks <c>index.json</c>.</summary>
    public async Task<ImageIndex> ReadIndexAsync(CancellationToken cancellationToken = default)
    {
        var bytes = await ReadSmallFileAsync(IndexFileName, cancellationToken).ConfigureAwait(false);
        ImageIndex index;
        try
        {
            index = OciJson.Deserialize<ImageIndex>(bytes, IndexFileName);
            index.Validate();
        }
        catch (InvalidOciDocumentException e)
        {
            throw new InvalidOciDocumentException($"the OCI layout at '{Path}' has a broken {IndexFileName}: {e.Message}", e);
        }

        return index;
    }

    /// <summary>
    /// Stores <paramref name="manifest"/> and lists it in <c>index.json</c>, tagged <paramref name="tag"/>
    /// when given. A tag moves: an entry that had the same tag is replaced. The blobs (or child
    /// manifests) it refers to must already be in the layout. The tag (<c>org.opencontainers.image.ref.name</c>)
    /// may be a plain tag like <c>latest</c> or a full reference, and is kept as given; the platform,
    /// when given, is recorded on the index entry. Returns the descriptor now in the index.
    /// </summary>
    public async Task<Descriptor> AddManifestAsync(
        Manifest manifest,
        string? tag = null,
        Platform? platform = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (tag is not null)
        {
            CheckTag(tag);
        }

        foreach (var needed in manifest.Blobs.Concat(manifest.Children))
        {
            // Foreign layers (with urls) are fetched from elsewhere and are not expected in a layout.
            if (needed.Urls is not { Count: > 0 } && !HasBlob(needed.Digest))
            {
                throw new InvalidOperationException(
                    $"manifest {manifest.Digest} refers to {needed.Digest} ({needed.MediaType}), which is not in the OCI layout at '{Path}': write that blob (or manifest) first");
            }
        }

        await WriteBlobAsync(manifest.Bytes, manifest.MediaType, cancellationToken).ConfigureAwait(false);
        var annotations = tag is null ? null : new Dictionary<string, string> { [AnnotationKeys.RefName] = tag };
        var descriptor = manifest.ToDescriptor(annotations, platform);

        await _indexLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var updating = OperatingSystem.IsWindows() ? null : await AdvisoryLock.AcquireExclusiveAsync(Path, cancellationToken).ConfigureAwait(false);
            var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            if (tag is null && index.Manifests.FirstOrDefault(d => d.Digest == descriptor.Digest) is { } listed)
            {
                return listed;
            }

            // The untagged entry of the same manifest is folded into the tagged one, so that tagging
            // an untagged image does not leave it listed twice.
            var kept = index.Manifests
                .Where(d => (tag is null || d.RefName != tag) && !(d.RefName is null && d.Digest == descriptor.Digest))
                .Append(descriptor)
                .ToList();
            await WriteIndexAsync(index with { Manifests = kept }, cancellationToken).ConfigureAwait(false);
            return descriptor;
        }
        finally
        {
            _indexLock.Release();
        }
    }

    /// <summary>
    /// The manifest tagged <paramref name="tag"/> (exact match on <c>org.opencontainers.image.ref.name</c>),
    /// or with a null tag the only manifest in the index (however many tags it has); verified against its digest. Throws
    /// <see cref="KeyNotFoundException"/> when there is no such image and
    /// <see cref="InvalidOperationException"/> when the choice is ambiguous, naming the tags there are.
    /// </summary>
    public async Task<Manifest> ResolveAsync(string? tag, CancellationToken cancellationToken = default)
    {
        var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var entries = index.Manifests;
        Descriptor chosen;
        if (tag is null)
        {
            // Several tags of one manifest are still one image.
            var distinct = entries.DistinctBy(d => d.Digest).Count();
            chosen = distinct switch
            {
                0 => throw new KeyNotFoundException($"the OCI layout at '{Path}' holds no images"),
                1 => entries[0],
                _ => throw new InvalidOperationException(
                    $"the OCI layout at '{Path}' holds {distinct} images, so one must be named: {DescribeTags(entries)}"),
            };
        }
        else
        {
            var matches = entries.Where(d => d.RefName == tag).ToList();
            if (matches.Count == 0)
            {
                throw new KeyNotFoundException($"no image is tagged '{tag}' in the OCI layout at '{Path}': {DescribeTags(entries)}");
            }

            if (matches.Any(d => d.Digest != matches[0].Digest))
            {
                throw new InvalidOperationException(
                    $"the tag '{tag}' names {matches.Count} different manifests in the {IndexFileName} of '{Path}' ({string.Join(", ", matches.Select(d => d.Digest))}); re-tag the image to make it unique");
            }

            chosen = matches[0];
        }

        return await ReadManifestAsync(chosen, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the manifest <paramref name="descriptor"/> points at, exact bytes, verified against its digest and size.</summary>
    public async Task<Manifest> ReadManifestAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var bytes = await ReadBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        return Manifest.Parse(bytes, descriptor.MediaType);
    }

    private Stream OpenBlob(Digest digest, long? expectedSize)
    {
        var path = GetBlobPath(digest);
        FileStream file;
        try
        {
            file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(digest, Path, path);
        }

        if (expectedSize is { } size && file.Length != size)
        {
            var actualSize = file.Length;
            file.Dispose();
            throw new DigestMismatchException(digest, null,
                $"blob {digest} in the OCI layout at '{Path}' is corrupt: it is {actualSize} bytes, but its descriptor says {size}");
        }

        return new VerifyingReadStream(file, digest, expectedSize, $"blob {digest} in the OCI layout at '{Path}'");
    }

    /// <summary>The size of the blob already stored under <paramref name="digest"/>, unless it is missing or has the wrong size.</summary>
    private long? TryGetExistingSize(Digest digest, long? expectedSize)
    {
        var file = new FileInfo(GetBlobPath(digest));
        // A blob of the wrong size is corrupt: writing it again replaces it with the verified bytes.
        return file.Exists && (expectedSize is null || file.Length == expectedSize) ? file.Length : null;
    }

    private string CreateTemporaryPath()
    {
        var directory = System.IO.Path.Combine(Path, BlobsDirectoryName);
        Directory.CreateDirectory(directory);
        // A dot-name outside blobs/<algorithm>/ is never taken for a blob, even if a crash leaves it.
        return System.IO.Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
    }

    private void MoveIntoPlace(string temporary, Digest digest)
    {
        var destination = GetBlobPath(digest);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
        // Same content under the same name: if another writer got there first, replacing is harmless.
        File.Move(temporary, destination, overwrite: true);
    }

    private static FileStreamOptions NewFileOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            // 0644, as skopeo and umoci leave blobs: readable by all, changed by nobody but the owner.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        return options;
    }

    private static async Task<(Digest Digest, long Size)> CopyAndHashAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        using var hasher = new DigestHasher();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DigestHasher.CopyBufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return (hasher.GetDigest(), hasher.Length);
    }

    private async Task CheckLayoutFileAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(System.IO.Path.Combine(Path, LayoutFileName)))
        {
            throw new InvalidOciDocumentException($"'{Path}' is not an OCI layout: it has no {LayoutFileName} file");
        }

        var bytes = await ReadSmallFileAsync(LayoutFileName, cancellationToken).ConfigureAwait(false);
        string? version;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            version = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("imageLayoutVersion", out var field)
                && field.ValueKind == JsonValueKind.String
                    ? field.GetString()
                    : null;
        }
        catch (JsonException e)
        {
            throw new InvalidOciDocumentException($"the {LayoutFileName} file of '{Path}' is not valid JSON: {e.Message}", e);
        }

        if (version != ImageLayoutVersion)
        {
            throw new InvalidOciDocumentException(version is null
                ? $"the {LayoutFileName} file of '{Path}' has no imageLayoutVersion; expected {{\"imageLayoutVersion\":\"{ImageLayoutVersion}\"}}"
                : $"the OCI layout at '{Path}' has imageLayoutVersion '{version}'; only {ImageLayoutVersion} is supported");
        }
    }

    private async Task<byte[]> ReadSmallFileAsync(string name, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(Path, name);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length > MaxDocumentSize)
            {
                throw new InvalidOciDocumentException($"'{path}' is {stream.Length} bytes, over the {MaxDocumentSize} bytes such a file may have");
            }

            var content = new byte[stream.Length];
            await stream.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            return content;
        }
    }

    private Task WriteIndexAsync(ImageIndex index, CancellationToken cancellationToken) =>
        WriteFileAtomicallyAsync(IndexFileName, OciJson.Serialize(index), cancellationToken);

    private async Task WriteFileAtomicallyAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var temporary = System.IO.Path.Combine(Path, $".{name}.tmp-{Guid.NewGuid():N}");
        try
        {
            var file = new FileStream(temporary, NewFileOptions());
            await using (file.ConfigureAwait(false))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, System.IO.Path.Combine(Path, name), overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void CheckTag(string tag)
    {
        if (tag.Length == 0 || tag.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"invalid tag '{tag}': a tag (org.opencontainers.image.ref.name) must be non-empty, without spaces or control characters, e.g. 'latest' or 'example.com/app:1.0'",
                nameof(tag));
        }
    }

    private static string DescribeTags(IReadOnlyList<Descriptor> entries)
    {
        var tags = entries.Select(d => d.RefName).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var untagged = entries.Count(d => d.RefName is null);
        var text = tags.Count == 0 ? "it has no tags" : $"tags present: {string.Join(", ", tags)}";
        return untagged == 0 ? text : $"{text} (and {untagged} untagged)";
    }
}
