using Hyper.Build.Cache;
using Hyper.Build.Context;
using Hyper.Build.Layers;
using Hyper.Oci;

namespace Hyper.Build.Files;

/// <summary>The content digest of what a COPY or ADD would read: the part of its cache key that comes from files.</summary>
public sealed partial class FileCopier
{
    /// <summary>
    /// A digest of everything <paramref name="operation"/> takes from <paramref name="source"/>, walked as the copy
    /// walks it (matches, then each directory's tree less <c>--exclude</c>): the names as matched, types, permission
    /// bits, owners (when the source keeps them), link targets, hard links between copied files, extended
    /// attributes and contents; not times, so touching a file or checking it out again does not invalidate the
    /// cache. Null when the operation reads something that cannot be known without fetching it (an ADD of a URL
    /// with no <c>--checksum</c>): such a step always runs.
    /// </summary>
    /// <param name="operation">The COPY or ADD.</param>
    /// <param name="source">Where it reads from.</param>
    /// <param name="digests">Digests of files hashed before, reused while a file is unchanged; null hashes every file.</param>
    /// <param name="cancellationToken">Stops the hashing.</param>
    /// <exception cref="FileCopyException">A source is missing; the step would fail the same way.</exception>
    public static async Task<Digest?> DigestSourcesAsync(CopyOperation operation, IFileSource source, FileDigestCache? digests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(source);
        using var key = new CacheKeyBuilder("sources");
        var walk = new DigestWalk(key, source, digests, operation.Excludes.Count == 0 ? null : ParseExcludes(operation.Excludes));
        foreach (var written in operation.Sources)
        {
            if (operation.IsAdd && IsUrl(written))
            {
                if (operation.Checksum is null)
                {
                    return null;
                }

                key.Add("url", written).Add("checksum", operation.Checksum);
                continue;
            }

            foreach (var match in Match(source, written, operation.Parents, walk.Excludes))
            {
                key.Add("match", match.Written).Add("name", match.Name).Add("kept", match.ParentsPath);
                await walk.AddAsync(match.Entry, cancellationToken).ConfigureAwait(false);
            }
        }

        return key.Build();
    }

    /// <summary>
    /// A digest of the entry at <paramref name="path"/> in <paramref name="source"/>, taken literally (no wildcards)
    /// as a RUN bind mount takes it, and everything below it; null when there is nothing there.
    /// </summary>
    public static async Task<Digest?> DigestPathAsync(IFileSource source, string path, FileDigestCache? digests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(path);
        if (source.GetEntry(path, followLinks: true) is not { } entry)
        {
            return null;
        }

        using var key = new CacheKeyBuilder("path");
        await new DigestWalk(key, source, digests, excludes: null).AddAsync(entry, cancellationToken).ConfigureAwait(false);
        return key.Build();
    }

    /// <summary>Adds entries to a key the way <see cref="TreeWriter"/> copies them.</summary>
    private sealed class DigestWalk(CacheKeyBuilder key, IFileSource source, FileDigestCache? digests, DockerIgnore? excludes)
    {
        // The first path each multiply-linked inode was seen at: the copy links the later ones to it.
        private readonly Dictionary<(uint, uint, ulong), string> _linked = [];

        public DockerIgnore? Excludes => excludes;

        public async Task AddAsync(SourceEntry top, CancellationToken cancellationToken)
        {
            await AddEntryAsync(top, string.Empty, cancellationToken).ConfigureAwait(false);
            if (top.Type != ContextEntryType.Directory)
            {
                return;
            }

            var included = new HashSet<string>(StringComparer.Ordinal) { top.Path };
            foreach (var entry in source.EnumerateTree(top.Path))
            {
                var slash = entry.Path.LastIndexOf('/');
                if (!included.Contains(slash < 0 ? string.Empty : entry.Path[..slash]))
                {
                    continue;
                }

                var relative = top.Path.Length == 0 ? entry.Path : entry.Path[(top.Path.Length + 1)..];
                var isDirectory = entry.Type == ContextEntryType.Directory;
                if (excludes is not null && (isDirectory ? excludes.CanSkipDirectory(relative) : excludes.IsExcluded(relative, false)))
                {
                    continue;
                }

                if (isDirectory)
                {
                    included.Add(entry.Path);
                }

                await AddEntryAsync(entry, relative, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task AddEntryAsync(SourceEntry entry, string relative, CancellationToken cancellationToken)
        {
            var status = LinuxFiles.Lstat(entry.HostPath);
            key.Add("path", relative).Add("type", entry.Type.ToString()).Add("mode", (long)(status.Mode & 0xFFF));
            if (source.PreservesOwnership)
            {
                key.Add("uid", (long)status.Uid).Add("gid", (long)status.Gid);
            }

            foreach (var (name, value) in LinuxFiles.ReadExtendedAttributes(entry.HostPath))
            {
                key.Add("xattr", name).Add("xattr.value", Convert.ToBase64String(value));
            }

            switch (entry.Type)
            {
                case ContextEntryType.SymbolicLink:
                    key.Add("target", new FileInfo(entry.HostPath).LinkTarget);
                    break;
                case ContextEntryType.File when status.LinkCount > 1 && _linked.TryGetValue((status.DeviceMajor, status.DeviceMinor, status.Inode), out var first):
                    key.Add("hardlink", first);
                    break;
                case ContextEntryType.File:
                    if (status.LinkCount > 1)
                    {
                        _linked[(status.DeviceMajor, status.DeviceMinor, status.Inode)] = relative;
                    }

                    key.Add("content", await ContentDigestAsync(entry.HostPath, status, cancellationToken).ConfigureAwait(false));
                    break;
            }
        }

        private Task<Digest> ContentDigestAsync(string path, FileStatus status, CancellationToken cancellationToken) =>
            digests is not null ? digests.DigestAsync(path, status, cancellationToken) : FileDigestCache.ComputeAsync(path, cancellationToken);
    }
}
