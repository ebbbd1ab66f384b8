using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Execution;
using Hyper.Build.Files;
using Hyper.Build.Solver;

namespace Hyper.Build.Engine;

internal sealed partial class BuildSession
{
    private const string SecretsDirectory = "/run/secrets";

    private const UnixFileMode DefaultSecretMode = UnixFileMode.UserRead;

    private const UnixFileMode DefaultCacheMode = (UnixFileMode)0b111_101_101;

    /// <summary>Where SSH mounts without a target go, as <c>ssh_agent.N</c>: BuildKit's place.</summary>
    private const string SshAgentDirectory = "/run/buildkit";

    private const UnixFileMode DefaultSshMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const string SshAuthSocketVariable = "SSH_AUTH_SOCK";

    /// <summary>
    /// One lock per cache directory, for <c>sharing=locked</c> and <c>sharing=private</c>. Per process: two
    /// hyperbuild processes sharing a data root do not see each other's locks.
    /// </summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> CacheLocks = new(StringComparer.Ordinal);

    /// <summary>
    /// Refuses the mounts this version cannot give before anything runs: cache mounts <c>from=</c>, and
    /// secrets and SSH agents marked required that the build was not given.
    /// </summary>
    private void CheckRunMounts(RunInstruction run)
    {
        foreach (var mount in run.Mounts)
        {
            if (mount.Type == MountType.Ssh && mount.Required && !request.SshAgents.ContainsKey(mount.SshId!))
            {
                throw new BuildFailedException(
                    $"{Location(run)}: ssh agent \"{mount.SshId}\" is required by RUN --mount=type=ssh but was not given: pass --ssh {mount.SshId}=SOCKET, or --ssh {mount.SshId} for $SSH_AUTH_SOCK");
            }

            if (mount.Type == MountType.Secret && mount.Required && !request.Secrets.ContainsKey(mount.SecretId ?? string.Empty))
            {
                throw new BuildFailedException(
                    $"{Location(run)}: secret \"{mount.SecretId}\" is required by RUN --mount=type=secret but was not given: pass --secret id={mount.SecretId},src=FILE or env=VARIABLE");
            }
        }
    }

    /// <summary>
    /// Sets up the mounts of <paramref name="run"/> from <paramref name="index"/> on into <paramref name="mounts"/>
    /// and runs <paramref name="body"/> while they are in place. Nested because a bind mount <c>from=</c> a stage
    /// or image holds a snapshot only for the duration of <see cref="WithFileSourceAsync"/>.
    /// </summary>
    private async Task WithRunMountsAsync(
        StageState state, PlannedStep step, RunInstruction run, string scratch, RunMountSet mounts, int index, Func<Task> body, CancellationToken cancellationToken)
    {
        if (index == run.Mounts.Count)
        {
            await body().ConfigureAwait(false);
            return;
        }

        var mount = run.Mounts[index];
        Task Next() => WithRunMountsAsync(state, step, run, scratch, mounts, index + 1, body, cancellationToken);
        switch (mount.Type)
        {
            case MountType.Bind:
                var from = index < step.Sources.Count ? step.Sources[index] : null;
                await WithFileSourceAsync(from, state.Platform, run, async source =>
                {
                    await AddBindMountAsync(state, run, mount, source, Path.Combine(scratch, $"mount-{index}"), mounts, cancellationToken).ConfigureAwait(false);
                    await Next().ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                return;
            case MountType.Cache when index < step.Sources.Count && step.Sources[index] is { Kind: not ContentSourceKind.Scratch } seed:
                // from=: the cache starts as a copy of source= in that stage, image or context.
                var path = LexicalPath.Clean("/" + (mount.Source ?? string.Empty)).TrimStart('/');
                var seedKey = await SourceKeyAsync(seed, state.Platform, run, files => FileCopier.DigestPathAsync(files, path, FileDigests, cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
                await WithFileSourceAsync(seed, state.Platform, run, async source =>
                {
                    await AddCacheMountAsync(state, run, mount, mounts, new CacheSeed(source, path, seedKey), cancellationToken).ConfigureAwait(false);
                    await Next().ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                return;
            case MountType.Cache:
                await AddCacheMountAsync(state, run, mount, mounts, seed: null, cancellationToken).ConfigureAwait(false);
                break;
            case MountType.Tmpfs:
                List<string> options = ["nosuid", "nodev"];
                if (mount.SizeLimit > 0)
                {
                    options.Add($"size={mount.SizeLimit}");
                }

                mounts.Add(new ContainerMount(MountTarget(state, mount), "tmpfs", "tmpfs", options));
                break;
            case MountType.Secret:
                AddSecretMount(state, mount, mounts);
                break;
            case MountType.Ssh:
                AddSshMount(state, step, run, mount, run.Mounts.Take(index).Count(static m => m.Type == MountType.Ssh), mounts);
                break;
            default:
                throw new BuildFailedException($"{Location(run)}: RUN --mount=type={mount.Type.ToString().ToLowerInvariant()} is not supported by hyperbuild");
        }

        await Next().ConfigureAwait(false);
    }

    /// <summary>
    /// A bind mount of <c>source=</c> inside the context, a stage or an image. Read-only ones use the files in
    /// place (a stage's snapshot, or the context when .dockerignore leaves nothing out); <c>rw</c> ones and
    /// context directories with .dockerignore rules get a copy in <paramref name="copyDirectory"/>, so the
    /// step's writes are thrown away with the snapshot and ignored files stay invisible.
    /// </summary>
    private async Task AddBindMountAsync(
        StageState state, RunInstruction run, RunMount mount, IFileSource source, string copyDirectory, RunMountSet mounts, CancellationToken cancellationToken)
    {
        var path = LexicalPath.Clean("/" + (mount.Source ?? string.Empty)).TrimStart('/');
        var entry = source.GetEntry(path, followLinks: true)
            ?? throw new BuildFailedException($"{Location(run)}: RUN --mount=type=bind: source \"{mount.Source ?? "/"}\" not found{(string.IsNullOrEmpty(mount.From) ? " in the build context" : $" in \"{mount.From}\"")}");

        var filtered = source is ContextFileSource && request.Context.Ignore.Patterns.Count > 0;
        var hostPath = entry.HostPath;
        if (!mount.ReadOnly || (filtered && entry.Type == ContextEntryType.Directory))
        {
            Directory.CreateDirectory(copyDirectory);
            var copy = new CopyOperation { Sources = [path.Length == 0 ? "." : path], Destination = "/" };
            try
            {
                await new FileCopier(builder.Http).CopyAsync(copy, source, copyDirectory, cancellationToken).ConfigureAwait(false);
            }
            catch (FileCopyException e)
            {
                throw new BuildFailedException($"{Location(run)}: RUN --mount=type=bind: {e.Message}", e);
            }

            hostPath = entry.Type == ContextEntryType.Directory ? copyDirectory : Path.Combine(copyDirectory, Path.GetFileName(entry.Path));
        }

        mounts.Add(new ContainerMount(MountTarget(state, mount), "bind", hostPath, ["rbind", mount.ReadOnly ? "ro" : "rw"]));
    }

    /// <summary>
    /// A cache mount: a directory under the data root (next to the snapshots) named after the cache ID, kept
    /// across builds. <c>sharing=shared</c> (the default) lets any step use it at once; <c>locked</c> waits
    /// for the step using it to finish; <c>private</c> takes a fresh, throw-away directory while it is in use.
    /// With <c>from=</c> a new cache directory starts as a copy of the <paramref name="seed"/>, and caches
    /// seeded from different content are different caches, as in BuildKit.
    /// </summary>
    private async Task AddCacheMountAsync(StageState state, RunInstruction run, RunMount mount, RunMountSet mounts, CacheSeed? seed, CancellationToken cancellationToken)
    {
        var target = MountTarget(state, mount);
        var id = string.IsNullOrEmpty(mount.Id) ? target : mount.Id;
        if (seed is not null)
        {
            // The seed's content and path: a cache seeded from other files is another cache. Unknown content
            // (never the case for stages and images) gets a cache of its own each time.
            id = $"{id}@{seed.Key?.ToString() ?? Guid.NewGuid().ToString("N")}:{seed.Path}";
        }

        // Owner-only: a RUN step may put device nodes or setuid files in its cache.
        var caches = PrivateDirectory.Ensure(Path.Combine(Path.GetDirectoryName(builder.Snapshots.Directory)!, "cache"));
        var directory = Path.Combine(caches, CacheDirectoryName(id));
        var sharing = mount.Sharing ?? MountSharing.Shared;
        if (sharing != MountSharing.Shared)
        {
            var gate = CacheLocks.GetOrAdd(directory, static _ => new SemaphoreSlim(1, 1));
            if (sharing == MountSharing.Locked)
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                mounts.OnDispose(() => gate.Release());
            }
            else if (await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
            {
                mounts.OnDispose(() => gate.Release());
            }
            else
            {
                var fresh = Path.Combine(caches, $"private-{Guid.NewGuid():N}");
                mounts.OnDispose(() =>
                {
                    if (Directory.Exists(fresh))
                    {
                        Directory.Delete(fresh, recursive: true);
                    }
                });
                directory = fresh;
            }
        }

        if (!Directory.Exists(directory))
        {
            await CreateCacheDirectoryAsync(directory, run, mount, seed, cancellationToken).ConfigureAwait(false);
        }

        mounts.Add(new ContainerMount(target, "bind", directory, ["rbind", mount.ReadOnly ? "ro" : "rw"]));
    }

    /// <summary>A new cache directory: empty, or a copy of its seed, made beside it and moved in whole.</summary>
    private async Task CreateCacheDirectoryAsync(string directory, RunInstruction run, RunMount mount, CacheSeed? seed, CancellationToken cancellationToken)
    {
        var making = $"{directory}.{Guid.NewGuid():N}.new";
        try
        {
            Directory.CreateDirectory(making);
            if (seed is not null)
            {
                var copy = new CopyOperation { Sources = [seed.Path.Length == 0 ? "." : seed.Path], Destination = "/" };
                try
                {
                    await new FileCopier(builder.Http).CopyAsync(copy, seed.Source, making, cancellationToken).ConfigureAwait(false);
                }
                catch (FileCopyException e)
                {
                    throw new BuildFailedException($"{Location(run)}: RUN --mount=type=cache,from={mount.From}: {e.Message}", e);
                }
            }

            File.SetUnixFileMode(making, mount.Mode is { } mode ? (UnixFileMode)mode : DefaultCacheMode);
            LibC.Lchown(making, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
            try
            {
                Directory.Move(making, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                // Another step made it first; theirs is used.
            }
        }
        finally
        {
            if (Directory.Exists(making))
            {
                Directory.Delete(making, recursive: true);
            }
        }
    }

    /// <summary>What a cache mount with <c>from=</c> starts as: <paramref name="Path"/> in <paramref name="Source"/>, whose content has <paramref name="Key"/>.</summary>
    private sealed record CacheSeed(IFileSource Source, string Path, Oci.Digest? Key);

    /// <summary>
    /// A secret: as an environment variable with <c>env=</c>, as a read-only file at the target (by default
    /// /run/secrets/ID) without it or when a target is written too. The file lives in a private temporary
    /// directory outside the rootfs, deleted after the step. A secret not given and not required is left out.
    /// </summary>
    private void AddSecretMount(StageState state, RunMount mount, RunMountSet mounts)
    {
        if (!request.Secrets.TryGetValue(mount.SecretId ?? string.Empty, out var secret))
        {
            return;
        }

        if (!string.IsNullOrEmpty(mount.Env))
        {
            mounts.Environment[mount.Env] = Encoding.UTF8.GetString(secret);
            if (string.IsNullOrEmpty(mount.Target))
            {
                return;
            }
        }

        var directory = Directory.CreateTempSubdirectory("hyperbuild-secret-").FullName;
        mounts.OnDispose(() => Directory.Delete(directory, recursive: true));
        var file = Path.Combine(directory, "secret");
        using (var stream = new FileStream(file, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(secret);
        }

        File.SetUnixFileMode(file, mount.Mode is { } mode ? (UnixFileMode)mode : DefaultSecretMode);
        if (mount.Uid is not null || mount.Gid is not null)
        {
            LibC.Lchown(file, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
        }

        mounts.Add(ContainerMount.ReadOnlyBind(file, MountTarget(state, mount)));
    }

    /// <summary>
    /// An SSH agent: a socket of the step's own at the target that forwards each connection to the host's agent
    /// socket (see <see cref="SshAgentForwarder"/>), owned and moded as asked (0600, root by default), as BuildKit
    /// does. The first SSH mount of a step becomes <c>SSH_AUTH_SOCK</c> unless the step sets that itself. An agent
    /// not given and not required is left out.
    /// </summary>
    /// <param name="state">The stage, for WORKDIR.</param>
    /// <param name="step">The step, for its environment.</param>
    /// <param name="run">The instruction, for errors.</param>
    /// <param name="mount">The mount.</param>
    /// <param name="sshIndex">How many SSH mounts come before this one in the step: the default target's number.</param>
    /// <param name="mounts">Where the mount goes.</param>
    private void AddSshMount(StageState state, PlannedStep step, RunInstruction run, RunMount mount, int sshIndex, RunMountSet mounts)
    {
        if (!request.SshAgents.TryGetValue(mount.SshId!, out var agent))
        {
            return;
        }

        try
        {
            agent = SshAgentSocket.Check(agent);
        }
        catch (IOException e)
        {
            throw new BuildFailedException($"{Location(run)}: RUN --mount=type=ssh,id={mount.SshId}: {e.Message}", e);
        }

        var target = string.IsNullOrEmpty(mount.Target) ? $"{SshAgentDirectory}/ssh_agent.{sshIndex}" : MountTarget(state, mount);

        // A directory of its own in /tmp rather than the step's scratch directory: a socket path has at most 107 bytes.
        var directory = Directory.CreateTempSubdirectory("hyperbuild-ssh-").FullName;
        mounts.OnDispose(() => Directory.Delete(directory, recursive: true));
        var forwarder = SshAgentForwarder.Start(
            Path.Combine(directory, "agent.sock"), agent, mount.Mode is { } mode ? (UnixFileMode)mode : DefaultSshMode, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
        mounts.OnDispose(forwarder.Dispose);
        mounts.Add(new ContainerMount(target, "bind", Path.Combine(directory, "agent.sock"), ["bind", "rw"]));
        if (sshIndex == 0 && !step.Environment.ContainsKey(SshAuthSocketVariable))
        {
            mounts.Environment[SshAuthSocketVariable] = target;
        }
    }

    /// <summary>Where a mount goes in the container: its target, relative ones under WORKDIR; secrets default to /run/secrets/ID.</summary>
    private static string MountTarget(StageState state, RunMount mount)
    {
        if (string.IsNullOrEmpty(mount.Target))
        {
            return mount.Type == MountType.Secret ? $"{SecretsDirectory}/{mount.SecretId}" : state.WorkingDirectory;
        }

        return LexicalPath.Clean(mount.Target.StartsWith('/') ? mount.Target : $"{state.WorkingDirectory.TrimEnd('/')}/{mount.Target}");
    }

    /// <summary>A file name for a cache ID: its safe characters, and a hash so that IDs differing only in the others stay apart.</summary>
    private static string CacheDirectoryName(string id)
    {
        var safe = new StringBuilder(id.Length);
        foreach (var c in id)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..12];
        return $"{safe.ToString().Trim('.')}-{hash}";
    }

    /// <summary>
    /// The mount targets (and their missing parents) that do not exist in <paramref name="rootfs"/>: the runtime
    /// creates them as mount points, and they are removed again after the step unless the step filled them.
    /// </summary>
    private static IEnumerable<string> MissingTargets(string rootfs, IEnumerable<string> targets)
    {
        foreach (var target in targets)
        {
            for (var path = target; path is not null and not "/"; path = Path.GetDirectoryName(path))
            {
                if (Path.Exists(RootPath.Resolve(rootfs, path)))
                {
                    break;
                }

                yield return path;
            }
        }
    }
}
