using Hyper.Build.Context;
using Hyper.Build.Execution;
using Hyper.Build.Layers;

namespace Hyper.Build.Files;

/// <summary>Writing entries into the target root.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class FileCopier
{
    /// <summary>The state of one step's writes: owners, modes, hard links seen, directory times to set last.</summary>
    private sealed class TreeWriter(string targetRoot, bool preserveOwnership, UserIdentity? owner, FileModeChange? modeChange, DockerIgnore? excludes)
    {
        private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ed;
        private readonly Dictionary<(uint, uint, ulong), string> _linkedFiles = [];
        private readonly List<(string Path, DateTimeOffset Time)> _directoryTimes = [];

        public string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetRoot));

        /// <summary>Who extracted archive entries belong to: the <c>--chown</c> user, or null for the tar's own owners.</summary>
        public (int Uid, int Gid)? ArchiveOwner => owner is null ? null : ((int)owner.Uid, (int)owner.Gid);

        /// <summary>
        /// The host directory for a container path, creating what is missing (0755, owned by the
        /// <c>--chown</c> user or root), as BuildKit's MkdirAll does for a destination.
        /// </summary>
        public string EnsureDirectory(string containerPath)
        {
            var host = RootPath.Resolve(Root, containerPath);
            var current = Root;
            foreach (var part in Path.GetRelativePath(Root, host).Split('/').Where(p => p is not ("." or "")))
            {
                current = Path.Join(current, part);
                var status = TryLstat(current);
                if (status is null)
                {
                    Directory.CreateDirectory(current, DirectoryMode);
                    LibC.Lchown(current, (int)(owner?.Uid ?? 0), (int)(owner?.Gid ?? 0));
                    File.SetUnixFileMode(current, DirectoryMode);
                }
                else if (!status.Value.IsDirectory)
                {
                    throw new FileCopyException($"{RootPath.ToContainerPath(Root, current)} is not a directory");
                }
            }

            return host;
        }

        /// <summary>The host path a file is written to for a container path, its parent directories created.</summary>
        public string PrepareFileTarget(string containerPath)
        {
            var host = RootPath.Resolve(Root, containerPath);
            if (host == Root)
            {
                throw new FileCopyException($"cannot copy a file over the root directory ({containerPath})");
            }

            EnsureDirectory(RootPath.ToContainerPath(Root, Path.GetDirectoryName(host)!));
            return host;
        }

        /// <summary>Copies everything below the directory <paramref name="directory"/> into the host directory <paramref name="target"/>.</summary>
        public async Task CopyTreeAsync(IFileSource source, SourceEntry directory, string target, CancellationToken ct)
        {
            // Where each copied directory went, so children of excluded directories find no parent.
            var placed = new Dictionary<string, string>(StringComparer.Ordinal) { [directory.Path] = target };
            foreach (var entry in source.EnumerateTree(directory.Path))
            {
                ct.ThrowIfCancellationRequested();
                var slash = entry.Path.LastIndexOf('/');
                var parent = slash < 0 ? string.Empty : entry.Path[..slash];
                if (!placed.TryGetValue(parent, out var parentHost))
                {
                    continue;
                }

                var relative = directory.Path.Length == 0 ? entry.Path : entry.Path[(directory.Path.Length + 1)..];
                var isDirectory = entry.Type == ContextEntryType.Directory;
                if (excludes is not null && (isDirectory ? excludes.CanSkipDirectory(relative) : excludes.IsExcluded(relative, false)))
                {
                    continue;
                }

                var host = await CopyEntryAsync(entry, Path.Join(parentHost, entry.Path[(slash + 1)..]), ct).ConfigureAwait(false);
                if (isDirectory)
                {
                    placed[entry.Path] = host;
                }
            }
        }

        /// <summary>Copies one entry to a host path and returns where it went (a directory may land behind an existing link).</summary>
        public async Task<string> CopyEntryAsync(SourceEntry entry, string target, CancellationToken ct)
        {
            var status = LinuxFiles.Lstat(entry.HostPath);
            var existing = TryLstat(target);
            switch (entry.Type)
            {
                case ContextEntryType.Directory:
                    target = PrepareDirectory(target, existing);
                    break;
                case ContextEntryType.SymbolicLink:
                    RemoveNonDirectory(target, existing);
                    File.CreateSymbolicLink(target, new FileInfo(entry.HostPath).LinkTarget!);
                    break;
                default:
                    RemoveNonDirectory(target, existing);
                    var key = (status.DeviceMajor, status.DeviceMinor, status.Inode);
                    if (status.LinkCount > 1 && _linkedFiles.TryGetValue(key, out var first))
                    {
                        // A hard link within one copy stays one: it shares the inode, and so the metadata, already set.
                        LibC.Link(first, target);
                        return target;
                    }

                    await CopyContentAsync(entry.HostPath, target, ct).ConfigureAwait(false);
                    if (status.LinkCount > 1)
                    {
                        _linkedFiles[key] = target;
                    }

                    break;
            }

            var (uid, gid) = owner is not null ? (owner.Uid, owner.Gid) : preserveOwnership ? (status.Uid, status.Gid) : (0u, 0u);
            ApplyMetadata(target, entry.Type, status.Permissions, uid, gid, status.ModificationTime);
            CopyExtendedAttributes(entry.HostPath, target);
            return target;
        }

        /// <summary>Writes a new file (a here-document, a download) with the given mode and time, owned by <c>--chown</c> or root.</summary>
        public async Task WriteFileAsync(Stream content, string target, UnixFileMode mode, DateTimeOffset modified, CancellationToken ct)
        {
            RemoveNonDirectory(target, TryLstat(target));
            var file = new FileStream(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, ct).ConfigureAwait(false);
            }

            ApplyMetadata(target, ContextEntryType.File, mode, owner?.Uid ?? 0, owner?.Gid ?? 0, modified);
        }

        public void FinishDirectories()
        {
            // Children changed their directory's times while being written: set those last, deepest first.
            for (var i = _directoryTimes.Count - 1; i >= 0; i--)
            {
                LibC.SetTimes(_directoryTimes[i].Path, _directoryTimes[i].Time);
            }
        }

        private static FileStatus? TryLstat(string path)
        {
            try
            {
                return LinuxFiles.Lstat(path);
            }
            catch (IOException)
            {
                return null;
            }
        }

        private static async Task CopyContentAsync(string from, string to, CancellationToken ct)
        {
            var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await using (input.ConfigureAwait(false))
            {
                // CreateNew is O_EXCL: a link that appeared at the name is never written through.
                var output = new FileStream(to, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
                await using (output.ConfigureAwait(false))
                {
                    await input.CopyToAsync(output, ct).ConfigureAwait(false);
                }
            }
        }

        private string PrepareDirectory(string target, FileStatus? existing)
        {
            if (existing is { IsDirectory: true })
            {
                return target;
            }

            if (existing is { IsSymbolicLink: true })
            {
                // A link to a directory in the target (lib -> usr/lib) is merged into, inside the root.
                var resolved = RootPath.Resolve(Root, RootPath.ToContainerPath(Root, target));
                if (Directory.Exists(resolved))
                {
                    return resolved;
                }
            }

            if (existing is not null)
            {
                File.Delete(target);
            }

            Directory.CreateDirectory(target, DirectoryMode);
            return target;
        }

        private void RemoveNonDirectory(string target, FileStatus? existing)
        {
            if (existing is null)
            {
                return;
            }

            if (existing.Value.IsDirectory)
            {
                throw new FileCopyException($"cannot replace the directory {RootPath.ToContainerPath(Root, target)} with a file");
            }

            // Unlink, never write through: the old entry may be a link pointing anywhere.
            File.Delete(target);
        }

        private void ApplyMetadata(string target, ContextEntryType type, UnixFileMode permissions, uint uid, uint gid, DateTimeOffset modified)
        {
            // Owner first: chown clears setuid and setgid, so the mode must come after it.
            LibC.Lchown(target, (int)uid, (int)gid);
            if (type == ContextEntryType.SymbolicLink)
            {
                LibC.SetTimes(target, modified);
                return;
            }

            var isDirectory = type == ContextEntryType.Directory;
            File.SetUnixFileMode(target, modeChange?.Apply(permissions, isDirectory) ?? permissions);
            if (isDirectory)
            {
                _directoryTimes.Add((target, modified));
            }
            else
            {
                LibC.SetTimes(target, modified);
            }
        }

        private static void CopyExtendedAttributes(string from, string to)
        {
            foreach (var (name, value) in LinuxFiles.ReadExtendedAttributes(from))
            {
                // Whether security.* and trusted.* can be set depends on the host, not the build.
                if (LibC.TrySetXattr(to, name, value) != 0 && !name.StartsWith("security.", StringComparison.Ordinal) && !name.StartsWith("trusted.", StringComparison.Ordinal))
                {
                    throw new FileCopyException($"could not copy extended attribute {name} to {to}");
                }
            }
        }
    }
}
