using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Files;

/// <summary>
/// Carries out COPY and ADD steps straight into a root filesystem on the host (the merged directory
/// of a step's snapshot), with the Dockerfile reference's rules and BuildKit's behaviour: wildcards,
/// directory contents, destination rules, <c>--chown</c>, <c>--chmod</c>, <c>--exclude</c>,
/// <c>--parents</c>, here-documents, and for ADD, archives and URLs. Nothing is ever written outside
/// the target root: the destination resolves inside it as in a chroot, existing links at a target
/// are replaced, never written through.
/// </summary>
/// <param name="http">Downloads ADD's URL sources; without it a URL source is an error.</param>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class FileCopier(HttpClient? http = null)
{
    /// <summary>Copies what <paramref name="operation"/> names from <paramref name="source"/> into <paramref name="targetRoot"/>.</summary>
    /// <exception cref="FileCopyException">The step cannot be carried out; the message names the path.</exception>
    public async Task CopyAsync(CopyOperation operation, IFileSource source, string targetRoot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(targetRoot);
        var instruction = operation.IsAdd ? "ADD" : "COPY";
        var sourceCount = operation.Sources.Count + operation.SourceContents.Count;
        if (sourceCount == 0)
        {
            throw new FileCopyException($"{instruction} has no source files");
        }

        var destinationIsDirectory = operation.Parents || operation.Destination is "" or "." || operation.Destination.EndsWith('/') || operation.Destination.EndsWith("/.", StringComparison.Ordinal);
        if (sourceCount > 1 && !destinationIsDirectory)
        {
            throw new FileCopyException($"When using {instruction} with more than one source file, the destination must be a directory and end with a /");
        }

        var destination = LexicalPath.Clean(operation.Destination.StartsWith('/')
            ? operation.Destination
            : "/" + operation.WorkingDirectory.TrimEnd('/') + "/" + operation.Destination);
        var owner = operation.Chown is null ? null : UserDatabase.FromRoot(targetRoot).ResolveOwner(operation.Chown);
        var modeChange = operation.Chmod is null ? null : FileModeChange.Parse(operation.Chmod);
        var excludes = operation.Excludes.Count == 0 ? null : ParseExcludes(operation.Excludes);

        // Every source is resolved before anything is written, so a missing one leaves the root as it was.
        var local = new List<SourceMatch>();
        var remote = new List<Uri>();
        foreach (var written in operation.Sources)
        {
            if (operation.IsAdd && IsUrl(written))
            {
                remote.Add(new Uri(written));
                continue;
            }

            if (operation.Checksum is not null)
            {
                throw new FileCopyException($"{written}: --checksum can only be used with http(s) sources");
            }

            local.AddRange(Match(source, written, operation.Parents, excludes));
        }

        var writer = new TreeWriter(targetRoot, source.PreservesOwnership, owner, modeChange, excludes);
        var destinationHost = RootPath.Resolve(writer.Root, destination);
        if (local.Count + remote.Count + operation.SourceContents.Count > 1 && !destinationIsDirectory && !Directory.Exists(destinationHost))
        {
            throw new FileCopyException($"When using {instruction} with more than one source file, the destination must be a directory and end with a /");
        }

        var intoDirectory = destinationIsDirectory || Directory.Exists(destinationHost);
        foreach (var match in local)
        {
            ct.ThrowIfCancellationRequested();
            await CopyMatchAsync(operation, writer, match, destination, intoDirectory, ct).ConfigureAwait(false);
        }

        foreach (var url in remote)
        {
            await AddUrlAsync(operation, writer, url, destination, intoDirectory, ct).ConfigureAwait(false);
        }

        foreach (var content in operation.SourceContents)
        {
            await WriteHereDocumentAsync(writer, content, destination, intoDirectory, ct).ConfigureAwait(false);
        }

        writer.FinishDirectories();
    }

    private static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static DockerIgnore ParseExcludes(IReadOnlyList<string> patterns)
    {
        try
        {
            return DockerIgnore.Parse(string.Join('\n', patterns));
        }
        catch (DockerIgnoreException invalid)
        {
            throw new FileCopyException($"invalid --exclude pattern: {invalid.Message}", invalid);
        }
    }

    private static string Join(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    private static async Task CopyMatchAsync(CopyOperation operation, TreeWriter writer, SourceMatch match, string destination, bool intoDirectory, CancellationToken ct)
    {
        var entry = match.Entry;
        var target = operation.Parents && match.ParentsPath.Length > 0 ? Join(destination, match.ParentsPath) : destination;
        if (entry.Type == ContextEntryType.Directory)
        {
            var directory = writer.EnsureDirectory(target);
            await writer.CopyTreeAsync(match.Source, entry, directory, ct).ConfigureAwait(false);
            return;
        }

        if (operation.IsAdd && operation.Unpack != false && entry.Type == ContextEntryType.File && await IsArchiveAsync(entry.HostPath, ct).ConfigureAwait(false))
        {
            await ExtractAsync(writer, entry.HostPath, match.Written, destination, ct).ConfigureAwait(false);
            return;
        }

        if (!operation.Parents && intoDirectory)
        {
            target = Join(destination, match.Name);
        }

        var host = writer.PrepareFileTarget(target);
        await writer.CopyEntryAsync(entry, host, ct).ConfigureAwait(false);
    }

    private static async Task WriteHereDocumentAsync(TreeWriter writer, SourceContent content, string destination, bool intoDirectory, CancellationToken ct)
    {
        var name = content.Path.Trim('/');
        var target = intoDirectory ? Join(destination, name) : destination;
        var host = writer.PrepareFileTarget(target);
        using var data = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content.Data));
        await writer.WriteFileAsync(data, host, (UnixFileMode)0x1a4, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
    }
}
