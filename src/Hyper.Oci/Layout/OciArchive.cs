using System.Formats.Tar;

namespace Hyper.Oci.Layout;

/// <summary>
/// An OCI layout packed in a tar file, as skopeo's <c>oci-archive:</c> transport reads and writes it.
/// Writing is reproducible: the same layout gives the same bytes. Reading accepts only what a layout
/// holds (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>), verifies every
/// blob against its name, and shows the result in the destination only once all of it checked out.
/// </summary>
public static class OciArchive
{
    /// <summary>Writes <paramref name="layout"/> to the file <paramref name="archivePath"/>, which appears only once complete.</summary>
    public static async Task WriteAsync(OciLayout layout, string archivePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentException.ThrowIfNullOrWhiteSpace(archivePath);
        await AtomicFile.WriteAsync(archivePath, stream => WriteAsync(layout, stream, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="layout"/> as a tar to <paramref name="destination"/>: <c>oci-layout</c> and
    /// <c>index.json</c> first, then every blob in digest order, each verified as it is copied.
    /// </summary>
    public static async Task WriteAsync(OciLayout layout, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(destination);

        // Read through the parser so that a broken index fails here, not in whoever unpacks the archive.
        await layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var blobs = layout.ListBlobs();

        var tar = new ReproducibleTarWriter(destination);
        await using (tar.ConfigureAwait(false))
        {
            await tar.WriteFileAsync(OciLayout.LayoutFileName, await ReadLayoutFileAsync(layout, OciLayout.LayoutFileName, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            await tar.WriteFileAsync(OciLayout.IndexFileName, await ReadLayoutFileAsync(layout, OciLayout.IndexFileName, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            await tar.WriteDirectoryAsync(OciLayout.BlobsDirectoryName, cancellationToken).ConfigureAwait(false);
            string? algorithm = null;
            foreach (var digest in blobs)
            {
                if (digest.Algorithm != algorithm)
                {
                    algorithm = digest.Algorithm;
                    await tar.WriteDirectoryAsync($"{OciLayout.BlobsDirectoryName}/{algorithm}", cancellationToken).ConfigureAwait(false);
                }

                var blob = (VerifyingReadStream)layout.OpenBlob(digest);
                await using (blob.ConfigureAwait(false))
                {
                    await tar.WriteFileAsync($"{OciLayout.BlobsDirectoryName}/{digest.Algorithm}/{digest.Encoded}", blob, cancellationToken).ConfigureAwait(false);
                    // TarWriter stops at the length it announced; this read of nothing makes the check happen.
                    await blob.VerifyToEndAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Unpacks the archive file <paramref name="archivePath"/> into a new layout; see <see cref="ExtractAsync(Stream, string, CancellationToken)"/>.</summary>
    public static async Task<OciLayout> ExtractAsync(string archivePath, string destinationDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(archivePath);
        var archive = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        await using (archive.ConfigureAwait(false))
        {
            return await ExtractAsync(archive, destinationDirectory, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Unpacks an OCI archive into <paramref name="destinationDirectory"/>, which must not exist or be
    /// empty. Links, devices, absolute names, names with <c>..</c>, anything a layout does not hold,
    /// and blobs whose bytes do not match their names are refused with
    /// <see cref="InvalidOciDocumentException"/> or <see cref="DigestMismatchException"/>; then the
    /// destination is left as it was. The archive is unpacked beside it and moved in when complete.
    /// </summary>
    public static async Task<OciLayout> ExtractAsync(Stream archive, string destinationDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationDirectory);
        // Without the trailing separator, "dest/" would have its staging directory made inside itself.
        var destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destinationDirectory));
        if (File.Exists(destination))
        {
            throw new IOException($"cannot unpack an OCI archive into '{destination}': it is a file; choose a new or empty directory");
        }

        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            throw new IOException($"cannot unpack an OCI archive into '{destination}': the directory is not empty; choose a new or empty directory");
        }

        var parent = Path.GetDirectoryName(destination) ?? throw new IOException($"cannot unpack an OCI archive into the root directory '{destination}'");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(destination)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await UnpackAsync(archive, staging, cancellationToken).ConfigureAwait(false);
            var unpacked = await OciLayout.OpenAsync(staging, cancellationToken).ConfigureAwait(false);
            var index = await unpacked.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in index.Manifests)
            {
                if (!unpacked.HasBlob(entry.Digest))
                {
                    throw new InvalidOciDocumentException(
                        $"the OCI archive lists manifest {entry.Digest} in its index.json but does not contain it: the archive is incomplete");
                }
            }

            if (Directory.Exists(destination))
            {
                Directory.Delete(destination);
            }

            Directory.Move(staging, destination);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        return await OciLayout.OpenAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    private static async Task UnpackAsync(Stream archive, string directory, CancellationToken cancellationToken)
    {
        const string what = "the OCI archive";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new TarReader(archive, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            TarEntry? entry;
            while ((entry = await ReadNextAsync(reader, cancellationToken).ConfigureAwait(false)) is not null)
            {
                if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                var name = ArchivePath.Normalize(entry.Name, what);
                var segments = name.Length == 0 ? [] : name.Split('/');
                var isDirectory = entry.EntryType == TarEntryType.Directory;
                var isFile = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;
                if (!isDirectory && !isFile)
                {
                    throw new InvalidOciDocumentException(
                        $"{what} has an entry '{entry.Name}' of type {entry.EntryType}: an OCI layout holds only regular files and directories, so links, devices and the like are refused");
                }

                if (isDirectory)
                {
                    var expected = segments.Length == 0
                        || (segments[0] == OciLayout.BlobsDirectoryName && (segments.Length == 1 || (segments.Length == 2 && Digest.IsSupportedAlgorithm(segments[1]))));
                    if (!expected)
                    {
                        throw Unexpected(entry.Name);
                    }

                    continue;
                }

                if (!seen.Add(name))
                {
                    throw new InvalidOciDocumentException($"{what} has '{name}' twice: refusing to guess which one is meant");
                }

                if (name is OciLayout.LayoutFileName or OciLayout.IndexFileName)
                {
                    if (entry.Length > OciLayout.MaxDocumentSize)
                    {
                        throw new InvalidOciDocumentException($"{what} has a {name} of {entry.Length} bytes, over the {OciLayout.MaxDocumentSize} bytes such a file may have");
                    }

                    await WriteEntryAsync(entry, Path.Combine(directory, name), null, cancellationToken).ConfigureAwait(false);
                }
                else if (segments.Length == 3 && segments[0] == OciLayout.BlobsDirectoryName
                    && Digest.TryParse($"{segments[1]}:{segments[2]}", out var digest))
                {
                    var blobDirectory = Path.Combine(directory, OciLayout.BlobsDirectoryName, digest.Algorithm);
                    Directory.CreateDirectory(blobDirectory);
                    await WriteEntryAsync(entry, Path.Combine(blobDirectory, digest.Encoded), digest, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    throw Unexpected(entry.Name);
                }
            }
        }

        static InvalidOciDocumentException Unexpected(string name) => new(
            $"{what} has an entry '{name}' that is not part of an OCI layout (only oci-layout, index.json and blobs/<algorithm>/<hex> are): refusing to unpack it");
    }

    private static async Task<TarEntry?> ReadNextAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new InvalidOciDocumentException($"the OCI archive is not a valid tar file: {e.Message}", e);
        }
    }

    private static async Task WriteEntryAsync(TarEntry entry, string path, Digest? digest, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var data = entry.DataStream ?? Stream.Null;
            if (digest is not { } expected)
            {
                await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                return;
            }

            try
            {
                await Digest.CopyAndVerifyAsync(data, file, expected, entry.Length, cancellationToken).ConfigureAwait(false);
            }
            catch (DigestMismatchException e)
            {
                throw new DigestMismatchException(expected, e.Actual,
                    $"the OCI archive entry '{entry.Name}' does not hold the blob its name says: {e.Message}; the archive is corrupt or was tampered with");
            }
        }
    }

    private static async Task<byte[]> ReadLayoutFileAsync(OciLayout layout, string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.Path, name);
        var length = new FileInfo(path).Length;
        if (length > OciLayout.MaxDocumentSize)
        {
            throw new InvalidOciDocumentException($"'{path}' is {length} bytes, over the {OciLayout.MaxDocumentSize} bytes such a file may have");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
