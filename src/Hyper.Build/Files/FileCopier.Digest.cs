using Hyper.Build.Cache;
using Hyper.Build.Context;
using Hyper.Build.Layers;
using Hyper.Oci;

namespace Hyper.Build.Files;

/// <summary>The content digest of what a COPY or ADD would read: the part of its cache key that comes from files.</summary>
public sealed partial class FileCopier
{
    /// <summary>
    /// A digest of every file <paramref name="operation"/> reads from <paramref name="source"/>: the names as
    /// matched, types, permission bits, owners (when the source keeps them), link targets and contents; not
    /// times, so touching a file or checking it out again does not invalidate the cache. Null when the
    /// operation reads something that cannot be known without fetching it (an ADD of a URL with no
    /// <c>--checksum</c>): such a step always runs.
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
        var excludes = operation.Excludes.Count == 0 ? null : ParseExcludes(operation.Excludes);
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

            foreach (var match in Match(source, written, operation.Parents, excludes))
            {
                key.Add("match", match.Written).Add("name", match.Name).Add("kept", match.ParentsPath);
                await AddEntryAsync(key, source, match.Entry, string.Empty, digests, cancellationToken).ConfigureAwait(false);
                if (match.Entry.Type == ContextEntryType.Directory)
                {
                    foreach (var entry in source.EnumerateTree(match.Entry.Path))
                    {
                        var relative = match.Entry.Path.Length == 0 ? entry.Path : entry.Path[(match.Entry.Path.Length + 1)..];
                        await AddEntryAsync(key, source, entry, relative, digests, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        return key.Build();
    }

    private static async Task AddEntryAsync(
        CacheKeyBuilder key, IFileSource source, SourceEntry entry, string relative, FileDigestCache? digests, CancellationToken cancellationToken)
    {
        var status = LinuxFiles.Lstat(entry.HostPath);
        key.Add("path", relative).Add("type", entry.Type.ToString()).Add("mode", (long)(status.Mode & 0xFFF));
        if (source.PreservesOwnership)
        {
            key.Add("uid", (long)status.Uid).Add("gid", (long)status.Gid);
        }

        switch (entry.Type)
        {
            case ContextEntryType.SymbolicLink:
                key.Add("target", new FileInfo(entry.HostPath).LinkTarget);
                break;
            case ContextEntryType.File when digests is not null:
                key.Add("content", await digests.DigestAsync(entry.HostPath, status, cancellationToken).ConfigureAwait(false));
                break;
            case ContextEntryType.File:
                var content = File.OpenRead(entry.HostPath);
                await using (content.ConfigureAwait(false))
                {
                    key.Add("content", await Digest.ComputeAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false));
                }

                break;
        }
    }
}
