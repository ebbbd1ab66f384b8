using Hyper.Build.Cache;
using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Files;
using Hyper.Build.Images;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>
/// The build cache: each step that changes files has a key derived from its parent's key, the expanded
/// instruction, what it can see of the stage's config and variables, and the content of the files it reads.
/// A step whose key has a record is not run; its layer is taken from the record.
/// </summary>
internal sealed partial class BuildSession
{
    /// <summary>The key of the state a stage starts from: scratch, an image (by manifest digest) or another stage's last key.</summary>
    private Digest BaseKey(PlannedStage stage, StoredImage? image, StageState? baseStage)
    {
        if (baseStage is not null)
        {
            return baseStage.CacheKey;
        }

        using var key = new CacheKeyBuilder("base")
            .Add("image", image?.Descriptor.Digest.ToString() ?? "scratch")
            .Add("platform", stage.Platform.ToString())

            // The layer bytes depend on both; the media type (OCI or Docker) does not and is set when the layer is reused.
            .Add("compression", request.Compression.ToString())
            .Add("epoch", _epoch?.ToUnixTimeSeconds());
        return key.Build();
    }

    /// <summary>
    /// The cache key of <paramref name="step"/> on <paramref name="state"/>, or null when the step cannot be
    /// cached (it reads something whose content is unknown until fetched).
    /// </summary>
    private async Task<Digest?> StepKeyAsync(StageState state, PlannedStep step, CancellationToken cancellationToken)
    {
        using var key = new CacheKeyBuilder("step")
            .Add("parent", state.CacheKey)
            .Add("user", state.Config.User)
            .Add("workdir", state.WorkingDirectory)
            .Add("shell", state.Shell);
        switch (step.Instruction)
        {
            case RunInstruction run:
                key.Add("instruction", "RUN")
                    .Add("exec", run.Command.IsExecForm)
                    .Add("args", run.Command.Arguments)
                    .Add("heredocs", run.Heredocs.Select(static h => $"{h.Name}\n{h.Chomp}\n{h.Content}"))
                    .Add("env", step.Environment)
                    .Add("network", $"{run.Network}/{request.Network}")
                    .Add("security", run.Security.ToString());
                for (var i = 0; i < run.Mounts.Count; i++)
                {
                    var mount = run.Mounts[i];
                    key.Add("mount", mount.Type.ToString())
                        .Add("target", mount.Target).Add("source", mount.Source).Add("from", mount.From)
                        .Add("readonly", mount.ReadOnly).Add("size", mount.SizeLimit).Add("id", mount.Id)
                        .Add("sharing", mount.Sharing?.ToString()).Add("required", mount.Required).Add("mountenv", mount.Env)
                        .Add("mode", mount.Mode).Add("uid", mount.Uid).Add("gid", mount.Gid);
                    if (mount.Type == MountType.Bind)
                    {
                        // Taken literally, as the mount takes it: "d[1]" is a name, not a pattern.
                        var path = LexicalPath.Clean("/" + (mount.Source ?? string.Empty)).TrimStart('/');
                        var from = i < step.Sources.Count ? step.Sources[i] : null;
                        var content = await SourceKeyAsync(from, state.Platform, run, files => FileCopier.DigestPathAsync(files, path, FileDigests, cancellationToken), cancellationToken)
                            .ConfigureAwait(false);
                        if (content is null)
                        {
                            return null;
                        }

                        key.Add("content", content);
                    }
                }

                break;
            case CopyInstruction copy:
                key.Add("instruction", "COPY")
                    .Add("sources", copy.Sources).Add("contents", copy.SourceContents.Select(static c => $"{c.Path}\n{c.Data}"))
                    .Add("destination", copy.Destination).Add("chown", copy.Chown).Add("chmod", copy.Chmod)
                    .Add("link", copy.Link).Add("parents", copy.Parents).Add("excludes", copy.Excludes);
                var copied = await SourceKeyAsync(step.Sources.FirstOrDefault(), state.Platform, copy, CopiedContent(CopyOperationOf(state, copy), cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
                if (copied is null)
                {
                    return null;
                }

                key.Add("content", copied);
                break;
            case AddInstruction add:
                key.Add("instruction", "ADD")
                    .Add("sources", add.Sources).Add("contents", add.SourceContents.Select(static c => $"{c.Path}\n{c.Data}"))
                    .Add("destination", add.Destination).Add("chown", add.Chown).Add("chmod", add.Chmod)
                    .Add("link", add.Link).Add("excludes", add.Excludes).Add("checksum", add.Checksum)
                    .Add("unpack", add.Unpack?.ToString()).Add("keepgitdir", add.KeepGitDir?.ToString());
                var added = await SourceKeyAsync(null, state.Platform, add, CopiedContent(CopyOperationOf(state, add), cancellationToken), cancellationToken).ConfigureAwait(false);
                if (added is null)
                {
                    return null;
                }

                key.Add("content", added);
                break;
            case WorkdirInstruction:
                // The path is the stage's working directory, already set and in the key above.
                key.Add("instruction", "WORKDIR");
                break;
            default:
                throw new InvalidOperationException($"{step.Instruction.GetType().Name} does not change files");
        }

        return key.Build();
    }

    /// <summary>
    /// What a step reading files from <paramref name="from"/> depends on: the content it reads from the context
    /// or a named directory (<paramref name="digest"/> of them), or the key of the stage or the digest of the
    /// image it reads from (whose content those determine). Null when the content cannot be known.
    /// </summary>
    private async Task<Digest?> SourceKeyAsync(
        ContentSource? from, Platform platform, Instruction instruction, Func<IFileSource, Task<Digest?>> digest, CancellationToken cancellationToken)
    {
        IFileSource files;
        if (from is null || from.Kind == ContentSourceKind.Context)
        {
            files = new ContextFileSource(request.Context);
        }
        else if (FindNamedContext(from) is { Directory: { } directory })
        {
            files = new DirectoryFileSource(directory);
        }
        else if (from is { Kind: ContentSourceKind.Stage, StageIndex: { } index })
        {
            return (await StageAsync(index).ConfigureAwait(false)).CacheKey;
        }
        else
        {
            return (await GetSourceImageAsync(from, platform, instruction, cancellationToken).ConfigureAwait(false)).Descriptor.Digest;
        }

        try
        {
            return await digest(files).ConfigureAwait(false);
        }
        catch (FileCopyException)
        {
            // The step itself fails with this error, said with its line; no key is needed for that.
            return null;
        }
    }

    private Func<IFileSource, Task<Digest?>> CopiedContent(CopyOperation operation, CancellationToken cancellationToken) =>
        files => FileCopier.DigestSourcesAsync(operation, files, FileDigests, cancellationToken);

    /// <summary>
    /// The digests of files hashed before, except for a context unpacked from a tarball: its files are at a new
    /// path every build, so remembering them would only grow the cache.
    /// </summary>
    private FileDigestCache? FileDigests => request.Context.IsTemporary ? null : builder.Cache.FileDigests;

    /// <summary>
    /// Whether steps of <paramref name="stage"/> may be taken from the cache: not with <c>--no-cache</c>, nor when
    /// <c>--no-cache-filter</c> names the stage (by name, by its display name <c>stage-N</c>, or by index).
    /// </summary>
    private bool UsesCache(PlannedStage stage) =>
        !request.NoCache
        && !request.NoCacheFilter.Contains(stage.DisplayName)
        && !(stage.Name is { } name && request.NoCacheFilter.Contains(name))
        && !request.NoCacheFilter.Contains(stage.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Applies the record of <paramref name="key"/> to <paramref name="state"/> when there is a usable one: in the
    /// local cache with its layer blob still in the image store, else in an imported cache whose layer arrives
    /// whole and unpacks to the DiffID the record claims. False when the step must run.
    /// </summary>
    /// <param name="state">The stage.</param>
    /// <param name="key">The step's key.</param>
    /// <param name="createdBy">The step's history line, from this build's Dockerfile: differently written instructions can share a key.</param>
    /// <param name="cancellationToken">Stops a layer download.</param>
    private async Task<bool> TryReuseAsync(StageState state, Digest key, string createdBy, CancellationToken cancellationToken)
    {
        var record = builder.Cache.Find(key);
        if (record is not null && (!record.IsConsistent || (record.Layer is { } local && !builder.Images.Layout.HasBlob(local.Digest))))
        {
            // The layer went (hyperbuild prune, an image store cleaned by hand), or the record is damaged; an imported cache may still have it.
            record = null;
        }

        if (record is null)
        {
            foreach (var imported in request.CacheImports)
            {
                // Keys include the compression, so a record of another compression is forged or damaged.
                if (imported.Find(key) is { } found
                    && (found.Layer is null || MediaTypes.LayerCompressionOf(found.Layer.MediaType) == request.Compression)
                    && await imported.TryCopyLayerAsync(found, builder.Images.Layout, cancellationToken).ConfigureAwait(false))
                {
                    builder.Cache.Add(found);
                    record = found;
                    break;
                }
            }
        }

        if (record is null)
        {
            return false;
        }

        if (record is { Layer: { } reused, DiffId: { } diffId })
        {
            state.Layers.Add(reused with { MediaType = MediaTypes.LayerType(request.Compression, docker: request.Format == ManifestFormat.Docker) });
            state.DiffIds.Add(diffId);
        }

        state.History.Add(HistoryOf(createdBy, record.Created, emptyLayer: record.Layer is null));
        state.Records.Add(record);
        state.CacheKey = NextKey(key, record.DiffId);
        return true;
    }

    /// <summary>Records what the step of <paramref name="key"/> just added to <paramref name="state"/> (a layer or only history).</summary>
    private void Remember(StageState state, Digest key, int layersBefore)
    {
        var history = state.History[^1];
        var made = state.Layers.Count > layersBefore;
        var record = new CacheRecord
        {
            Key = key,
            Layer = made ? state.Layers[^1] : null,
            DiffId = made ? state.DiffIds[^1] : null,
            CreatedBy = history.CreatedBy ?? string.Empty,
            Created = history.Created,
        };
        builder.Cache.Add(record);
        state.Records.Add(record);
        state.CacheKey = NextKey(key, record.DiffId);
    }

    /// <summary>
    /// The key the next step builds on: the step's key and the layer it gave. A step run again (<c>--no-cache</c>)
    /// that gives a different layer thus changes the keys of everything after it, and of stages copying from it.
    /// </summary>
    private static Digest NextKey(Digest stepKey, Digest? diffId)
    {
        using var key = new CacheKeyBuilder("after").Add("step", stepKey).Add("layer", diffId);
        return key.Build();
    }
}
