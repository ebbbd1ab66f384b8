using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Execution;
using Hyper.Build.Files;
using Hyper.Build.Solver;

namespace Hyper.Build.Engine;

internal sealed partial class BuildSession
{
    /// <summary>
    /// COPY and ADD: the files are written straight into a snapshot of the stage, no container involved.
    /// With <c>--link</c> the snapshot starts empty, so the layer does not depend on what is below it.
    /// </summary>
    private async Task CopyAsync(StageState state, PlannedStep step, CancellationToken cancellationToken)
    {
        var operation = CopyOperationOf(state, step.Instruction);
        var (from, link) = step.Instruction switch
        {
            CopyInstruction copy => (step.Sources.FirstOrDefault(), copy.Link),
            AddInstruction add => (null, add.Link),
            _ => throw new InvalidOperationException("not a COPY or ADD"),
        };

        var snapshot = link ? builder.Snapshots.Mount([]) : await MountAsync(state, cancellationToken).ConfigureAwait(false);
        try
        {
            await WithFileSourceAsync(from, state.Platform, step.Instruction, async source =>
            {
                try
                {
                    await new FileCopier(builder.Http).CopyAsync(operation, source, snapshot.Merged, cancellationToken).ConfigureAwait(false);
                }
                catch (FileCopyException e)
                {
                    throw new BuildFailedException($"{Location(step.Instruction)}: {Describe(step.Original)}: {e.Message}", e);
                }
            }, cancellationToken).ConfigureAwait(false);
            await CommitAsync(state, snapshot, CreatedByOf(state, step), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SnapshotStore.Discard(snapshot);
            throw;
        }
    }

    /// <summary>What a COPY or ADD instruction asks the file copier to do, in the stage's working directory.</summary>
    private static CopyOperation CopyOperationOf(StageState state, Instruction instruction)
    {
        var (sources, contents, destination, chown, chmod, excludes) = instruction switch
        {
            CopyInstruction c => (c.Sources, c.SourceContents, c.Destination, c.Chown, c.Chmod, c.Excludes),
            AddInstruction a => (a.Sources, a.SourceContents, a.Destination, a.Chown, a.Chmod, a.Excludes),
            _ => throw new InvalidOperationException("not a COPY or ADD"),
        };
        var operation = new CopyOperation
        {
            Sources = sources,
            SourceContents = contents,
            Destination = destination,
            WorkingDirectory = state.WorkingDirectory,
            Chown = chown,
            Chmod = chmod,
            Excludes = excludes,
        };
        return instruction switch
        {
            CopyInstruction copy => operation with { Parents = copy.Parents },
            AddInstruction add => operation with { IsAdd = true, Checksum = add.Checksum, Unpack = add.Unpack },
            _ => operation,
        };
    }

    /// <summary>
    /// WORKDIR's effect on the config: relative paths build on the current directory (and are cleaned, as
    /// Go's path.Join cleans them); an absolute path is kept as written, trailing slash and all, as BuildKit
    /// keeps it (<c>WORKDIR /usr/src/</c> is <c>"/usr/src/"</c> in its config and history).
    /// </summary>
    private static void ApplyWorkdir(StageState state, WorkdirInstruction workdir) =>
        state.Config = state.Config with
        {
            WorkingDir = workdir.Path.StartsWith('/') ? workdir.Path : LexicalPath.Clean($"{state.WorkingDirectory.TrimEnd('/')}/{workdir.Path}"),
        };

    /// <summary>
    /// WORKDIR: sets the working directory (relative paths build on the current one) and creates it, owned
    /// by the stage's USER as BuildKit does, which is a layer when it did not exist.
    /// </summary>
    private async Task WorkdirAsync(StageState state, CancellationToken cancellationToken)
    {
        var normalized = state.WorkingDirectory;

        var snapshot = await MountAsync(state, cancellationToken).ConfigureAwait(false);
        try
        {
            var host = RootPath.Resolve(snapshot.Merged, normalized);
            if (!Directory.Exists(host))
            {
                Directory.CreateDirectory(host);
                if (!string.IsNullOrEmpty(state.Config.User))
                {
                    var owner = UserDatabase.FromRoot(snapshot.Merged).ResolveUser(state.Config.User);
                    File.SetUnixFileMode(host, (UnixFileMode)0b111_101_101);
                    LibC.Lchown(host, (int)owner.Uid, (int)owner.Gid);
                }
            }

            await CommitAsync(state, snapshot, $"WORKDIR {normalized}", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SnapshotStore.Discard(snapshot);
            throw;
        }
    }

    /// <summary>
    /// Gives <paramref name="use"/> the files a COPY reads: the build context, a named context directory, or
    /// an earlier stage or an image, mounted for the duration.
    /// </summary>
    private async Task WithFileSourceAsync(ContentSource? from, Oci.Platform platform, Instruction instruction, Func<IFileSource, Task> use, CancellationToken cancellationToken)
    {
        if (from is null || from.Kind == ContentSourceKind.Context)
        {
            await use(new ContextFileSource(request.Context)).ConfigureAwait(false);
            return;
        }

        if (FindNamedContext(from) is { Directory: { } directory })
        {
            await use(new DirectoryFileSource(directory)).ConfigureAwait(false);
            return;
        }

        ISnapshot snapshot;
        if (from is { Kind: ContentSourceKind.Stage, StageIndex: { } index })
        {
            snapshot = await MountAsync(await StageAsync(index).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var image = await GetSourceImageAsync(from, platform, instruction, cancellationToken).ConfigureAwait(false);
            await EnsureUnpackedAsync(image.Manifest.Image!.Layers, image.Config.RootFs.DiffIds, cancellationToken).ConfigureAwait(false);
            snapshot = builder.Snapshots.Mount(image.Config.RootFs.DiffIds);
        }

        try
        {
            await use(new DirectoryFileSource(snapshot.Merged)).ConfigureAwait(false);
        }
        finally
        {
            SnapshotStore.Discard(snapshot);
        }
    }
}
