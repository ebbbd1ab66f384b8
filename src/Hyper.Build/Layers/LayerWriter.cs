using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

using Hyper.Oci;

namespace Hyper.Build.Layers;

/// <summary>
/// Turns the upper directory of an overlayfs mount (everything a build step changed) into an OCI
/// layer blob, overlay whiteouts translated into OCI whiteouts.
/// </summary>
/// <remarks>
/// The archive is PAX, written depth first with each directory's children in ordinal order
/// (so parents come before children), without user or group names, and with PAX extended
/// headers under a fixed name: the same tree and clamp give the same bytes in any process.
/// </remarks>
public static class LayerWriter
{
    /// <summary>OCI's marker for "this directory hides everything below it in lower layers".</summary>
    public const string OpaqueWhiteout = ".wh..wh..opq";

    /// <summary>OCI's prefix for "the entry of the rest of this name was deleted".</summary>
    public const string WhiteoutPrefix = ".wh.";

    private const string OverlayXattrPrefix = "trusted.overlay.";
    private const string OverlayOpaqueXattr = "trusted.overlay.opaque";
    private const string PaxXattrPrefix = "SCHILY.xattr.";

    /// <summary>zstd's own default: most of the ratio of higher levels at a fraction of their time.</summary>
    private const int ZstdLevel = 3;

    /// <summary>
    /// Writes the layer for <paramref name="upperDirectory"/> to <paramref name="destination"/>
    /// (left open); null, with nothing written, when the directory is empty. With
    /// <paramref name="clampTimestamps"/> (SOURCE_DATE_EPOCH) no entry's mtime is later than it.
    /// </summary>
    public static async Task<LayerBlob?> WriteAsync(
        string upperDirectory,
        Stream destination,
        LayerCompression compression,
        DateTimeOffset? clampTimestamps,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upperDirectory);
        ArgumentNullException.ThrowIfNull(destination);
        if (!Directory.EnumerateFileSystemEntries(upperDirectory).Any())
        {
            return null;
        }

        using var blobHasher = new DigestHasher();
        using var tarHasher = new DigestHasher();
        var blob = new HashingWriteStream(destination, blobHasher);
        await using (var compressor = OpenCompressor(blob, compression))
        {
            // Hashed before compression: the diff id is the digest of the plain tar.
            var tar = new PaxHeaderStream(new HashingWriteStream(compressor, tarHasher));
            await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                var walk = new Walk(writer, clampTimestamps);
                await walk.WriteChildrenAsync(upperDirectory, string.Empty, ct).ConfigureAwait(false);
            }

            await tar.FlushAsync(ct).ConfigureAwait(false);
        }

        await blob.FlushAsync(ct).ConfigureAwait(false);
        return new LayerBlob(tarHasher.GetDigest(), blobHasher.GetDigest(), blobHasher.Length, MediaTypeOf(compression));
    }

    private static Stream OpenCompressor(Stream blob, LayerCompression compression) => compression switch
    {
        // The plain tar goes straight through; disposing the hashing stream leaves the caller's stream open.
        LayerCompression.None => blob,

        // Optimal rather than Fastest: a layer is compressed once and pulled many times, and
        // zlib's default level costs little more time than level 1 for clearly smaller blobs.
        LayerCompression.Gzip => new GZipStream(blob, CompressionLevel.Optimal, leaveOpen: true),
        LayerCompression.Zstd => new ZstdSharp.CompressionStream(blob, ZstdLevel, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown layer compression"),
    };

    private static string MediaTypeOf(LayerCompression compression) => compression switch
    {
        LayerCompression.None => MediaTypes.OciLayer,
        LayerCompression.Gzip => MediaTypes.OciLayerGzip,
        LayerCompression.Zstd => MediaTypes.OciLayerZstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown layer compression"),
    };

    /// <summary>One pass over the tree; remembers inodes already written so later links become hardlinks.</summary>
    private sealed class Walk(TarWriter writer, DateTimeOffset? clamp)
    {
        private readonly Dictionary<(uint Major, uint Minor, ulong Inode), string> _linkTargets = [];

        public async Task WriteChildrenAsync(string directory, string prefix, CancellationToken ct)
        {
            var names = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().ToList();
            names.Sort(StringComparer.Ordinal);
            foreach (var name in names)
            {
                ct.ThrowIfCancellationRequested();
                await WriteAsync(Path.Combine(directory, name), prefix + name, ct).ConfigureAwait(false);
            }
        }

        private async Task WriteAsync(string path, string name, CancellationToken ct)
        {
            var status = LinuxFiles.Lstat(path);
            if (status.IsOverlayWhiteout)
            {
                var slash = name.LastIndexOf('/');
                var whiteout = name[..(slash + 1)] + WhiteoutPrefix + name[(slash + 1)..];
                await writer.WriteEntryAsync(Entry(TarEntryType.RegularFile, whiteout, status, permissions: 0, xattrs: null), ct).ConfigureAwait(false);
                return;
            }

            var xattrs = LinuxFiles.ReadExtendedAttributes(path);
            var opaque = status.IsDirectory
                && xattrs.TryGetValue(OverlayOpaqueXattr, out var flag)
                && flag is [(byte)'y', ..];

            if (status.IsDirectory)
            {
                await writer.WriteEntryAsync(Entry(TarEntryType.Directory, name + "/", status, status.Permissions, xattrs), ct).ConfigureAwait(false);
                if (opaque)
                {
                    await writer.WriteEntryAsync(Entry(TarEntryType.RegularFile, name + "/" + OpaqueWhiteout, status, permissions: 0, xattrs: null), ct).ConfigureAwait(false);
                }

                await WriteChildrenAsync(path, name + "/", ct).ConfigureAwait(false);
                return;
            }

            if (status.LinkCount > 1)
            {
                var key = (status.DeviceMajor, status.DeviceMinor, status.Inode);
                if (_linkTargets.TryGetValue(key, out var first))
                {
                    var link = Entry(TarEntryType.HardLink, name, status, status.Permissions, xattrs);
                    link.LinkName = first;
                    await writer.WriteEntryAsync(link, ct).ConfigureAwait(false);
                    return;
                }

                _linkTargets[key] = name;
            }

            if (status.IsRegularFile)
            {
                var entry = Entry(TarEntryType.RegularFile, name, status, status.Permissions, xattrs);
                var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
                await using (content.ConfigureAwait(false))
                {
                    entry.DataStream = content;
                    await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
                }
            }
            else if (status.IsSymbolicLink)
            {
                var entry = Entry(TarEntryType.SymbolicLink, name, status, status.Permissions, xattrs);
                entry.LinkName = new FileInfo(path).LinkTarget ?? string.Empty;
                await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
            }
            else if (status.IsCharacterDevice || status.IsBlockDevice)
            {
                var entry = Entry(status.IsCharacterDevice ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, name, status, status.Permissions, xattrs);
                entry.DeviceMajor = (int)status.RdevMajor;
                entry.DeviceMinor = (int)status.RdevMinor;
                await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
            }
            else if (status.IsFifo)
            {
                await writer.WriteEntryAsync(Entry(TarEntryType.Fifo, name, status, status.Permissions, xattrs), ct).ConfigureAwait(false);
            }

            // Sockets are left out: tar has no way to hold them, and a socket is meaningless
            // without the process that listened on it.
        }

        private PaxTarEntry Entry(TarEntryType type, string name, FileStatus status, UnixFileMode permissions, SortedDictionary<string, byte[]>? xattrs)
        {
            var records = new List<KeyValuePair<string, string>>();
            if (xattrs is not null)
            {
                foreach (var (key, value) in xattrs)
                {
                    // Overlay bookkeeping (opaque, origin, redirect…) is not part of the image.
                    if (key.StartsWith(OverlayXattrPrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    records.Add(XattrRecord(key, value));
                }
            }

            var mtime = status.ModificationTime;
            if (clamp is { } limit && mtime > limit)
            {
                mtime = limit;
            }

            return new PaxTarEntry(type, name, records)
            {
                Mode = permissions,
                Uid = (int)status.Uid,
                Gid = (int)status.Gid,
                ModificationTime = mtime,
            };
        }

        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>
        /// TarWriter takes record values as text, so a value that is not UTF-8 (file capabilities,
        /// ACLs) goes through as base64 under a marker key, and <see cref="PaxHeaderStream"/>
        /// writes its raw bytes.
        /// </summary>
        private static KeyValuePair<string, string> XattrRecord(string key, byte[] value)
        {
            try
            {
                return new(PaxXattrPrefix + key, StrictUtf8.GetString(value));
            }
            catch (DecoderFallbackException)
            {
                return new(PaxHeaderStream.BinaryRecordPrefix + PaxXattrPrefix + key, Convert.ToBase64String(value));
            }
        }
    }
}
