using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Execution;
using Hyper.Build.Files;
using Hyper.Build.Layers;
using Hyper.Build.Solver;

namespace Hyper.Build.Engine;

internal sealed partial class BuildSession
{
    /// <summary>How many of a failed step's last output lines the error repeats.</summary>
    private const int OutputTailLines = 10;

    private const string Hostname = "buildkitsandbox";

    private const string OverlayOpaqueXattr = "trusted.overlay.opaque";

    // Where the runtime mounts things; missing ones it creates in the rootfs, which must not end up in the layer.
    private static readonly string[] MountPoints = ["/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf", "/etc"];

    private async Task RunAsync(StageState state, PlannedStep step, RunInstruction run, BuildVertex vertex, CancellationToken cancellationToken)
    {
        CheckRunMounts(run);

        if (run.Security == RunSecurity.Insecure)
        {
            throw new BuildFailedException($"{Location(run)}: RUN --security=insecure needs the security.insecure entitlement, which hyperbuild does not grant");
        }

        if (state.Platform.OS != Oci.Platform.Current.OS || state.Platform.Architecture != Oci.Platform.Current.Architecture)
        {
            throw new BuildFailedException(
                $"{Location(run)}: RUN cannot execute {state.Platform} programs on this {Oci.Platform.Current} machine: hyperbuild has no emulation; build RUN steps with --platform=$BUILDPLATFORM");
        }

        var snapshot = await MountAsync(state, cancellationToken).ConfigureAwait(false);
        try
        {
            var (args, mounts) = ProcessArguments(state, run, snapshot.Directory);
            var rootfs = snapshot.Merged;
            var identity = UserDatabase.FromRoot(rootfs).ResolveUser(string.IsNullOrEmpty(state.Config.User) ? "0" : state.Config.User);
            var workingDirectory = state.WorkingDirectory;
            Directory.CreateDirectory(RootPath.Resolve(rootfs, workingDirectory));
            using var runMounts = new RunMountSet();
            var tail = new Queue<string>();
            var exitCode = 0;
            List<string> missingMountPoints = [];
            Dictionary<string, FileStatus> stubParents = [];
            await WithRunMountsAsync(state, step, run, snapshot.Directory, runMounts, 0, async () =>
            {
                // Deepest first, so that removing the stubs empties a parent before the parent is looked at.
                missingMountPoints = [.. MountPoints.Where(p => !Path.Exists(RootPath.Resolve(rootfs, p)))
                    .Concat(MissingTargets(rootfs, runMounts.Mounts.Select(static m => m.Destination)))
                    .Distinct(StringComparer.Ordinal)
                    .OrderByDescending(static p => p.Count(static c => c == '/'))];
                stubParents = StatusOfStubParents(rootfs, missingMountPoints);

                var process = new ContainerProcess
                {
                    Args = args,
                    Env =
                    [
                        .. step.Environment.Where(e => !runMounts.Environment.ContainsKey(e.Key)).Select(static e => $"{e.Key}={e.Value}"),
                        .. ProxyVariables(step),
                        .. runMounts.Environment.Select(static e => $"{e.Key}={e.Value}"),
                    ],
                    WorkingDirectory = workingDirectory,
                    Uid = identity.Uid,
                    Gid = identity.Gid,
                    AdditionalGids = identity.AdditionalGids,
                    Hostname = Hostname,
                    Mounts = [.. mounts, .. runMounts.Mounts],
                    Network = run.Network switch
                    {
                        RunNetwork.None => NetworkMode.None,
                        RunNetwork.Host => NetworkMode.Host,
                        _ => request.Network,
                    },
                };

                exitCode = await builder.Containers.RunAsync(process, rootfs, line =>
                {
                    lock (tail)
                    {
                        tail.Enqueue(line);
                        if (tail.Count > OutputTailLines)
                        {
                            tail.Dequeue();
                        }
                    }

                    progress.Output(vertex, line);
                }, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            if (exitCode != 0)
            {
                var command = string.Join(' ', args);
                throw new BuildFailedException(
                    $"{Location(run)}: {Describe(step.Original)}: process \"{command}\" did not complete successfully: exit code: {exitCode}",
                    [.. tail],
                    exitCode);
            }

            RemoveMountStubs(rootfs, missingMountPoints);
            snapshot.Unmount();
            RemoveUnchangedCopyUps(snapshot, stubParents);
            await CommitAsync(state, snapshot, CreatedByOf(state, step), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SnapshotStore.Discard(snapshot);
            throw;
        }
    }

    /// <summary>
    /// The process of a RUN: exec form as given; shell form through the stage's SHELL. As BuildKit does, a
    /// shell-form command that is only a here-document runs the document: as a script file mounted at
    /// /dev/pipes/NAME when it starts with <c>#!</c>, else as the shell's command; here-documents inside a
    /// longer command are appended to it for the shell to read.
    /// </summary>
    /// <param name="state">The stage, for its SHELL.</param>
    /// <param name="run">The instruction.</param>
    /// <param name="scratch">A host directory outside the rootfs for script files, deleted with the snapshot.</param>
    private static (IReadOnlyList<string> Args, IReadOnlyList<ContainerMount> Mounts) ProcessArguments(StageState state, RunInstruction run, string scratch)
    {
        var args = RunArguments(state, run);
        if (ScriptHeredoc(run) is not { } script)
        {
            return (args, []);
        }

        var file = Path.Combine(scratch, $"heredoc-{Guid.NewGuid():N}");
        File.WriteAllText(file, script.Content);
        File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
        return (args, [ContainerMount.ReadOnlyBind(file, args[0])]);
    }

    /// <summary>The process a RUN starts (see <see cref="ProcessArguments"/>); also what its history line shows.</summary>
    private static IReadOnlyList<string> RunArguments(StageState state, RunInstruction run)
    {
        if (run.Command.IsExecForm)
        {
            return run.Command.Arguments;
        }

        var command = string.Join(' ', run.Command.Arguments);
        if (run.Heredocs.Count == 0)
        {
            return [.. state.Shell, command];
        }

        var first = run.Heredocs[0];
        if (!IsOnlyHeredoc(run, command))
        {
            return [.. state.Shell, command + string.Concat(run.Heredocs.Select(static h => "\n" + h.Content + h.Name))];
        }

        return ScriptHeredoc(run) is null ? [.. state.Shell, first.Content] : [$"/dev/pipes/{first.Name}"];
    }

    private static bool IsOnlyHeredoc(RunInstruction run, string command) =>
        run.Heredocs.Count == 1 && command.Trim().TrimStart('<').TrimStart('-').Trim('"', '\'') == run.Heredocs[0].Name;

    /// <summary>The here-document a shell-form RUN runs as a script file: its only one, when it starts with <c>#!</c>.</summary>
    private static Dockerfile.Heredoc? ScriptHeredoc(RunInstruction run) =>
        !run.Command.IsExecForm && IsOnlyHeredoc(run, string.Join(' ', run.Command.Arguments)) && run.Heredocs[0].Content.StartsWith("#!", StringComparison.Ordinal)
            ? run.Heredocs[0]
            : null;

    /// <summary>HTTP_PROXY and friends from <c>--build-arg</c>: given to RUN without being declared, and never kept in the image.</summary>
    private IEnumerable<string> ProxyVariables(PlannedStep step) =>
        _proxyArguments.Where(p => !step.Environment.ContainsKey(p.Key)).Select(static p => $"{p.Key}={p.Value}");

    /// <summary>
    /// Deletes the empty files and directories the runtime created as mount points in a rootfs that lacked
    /// them, as BuildKit does, so a RUN on scratch does not leave /proc, /etc/hosts … in its layer.
    /// </summary>
    private static void RemoveMountStubs(string rootfs, IReadOnlyList<string> missingBefore)
    {
        foreach (var point in missingBefore)
        {
            var path = RootPath.Resolve(rootfs, point);
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
            {
                Directory.Delete(path);
            }
            else if (File.Exists(path) && new FileInfo(path) is { Length: 0, LinkTarget: null })
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>
    /// The directories that will hold a mount stub (<c>/etc</c> for <c>/etc/hosts</c>) and exist already, with
    /// their status before the step, keyed by their path relative to the root.
    /// </summary>
    private static Dictionary<string, FileStatus> StatusOfStubParents(string rootfs, IReadOnlyList<string> missingMountPoints)
    {
        var parents = new Dictionary<string, FileStatus>(StringComparer.Ordinal);
        foreach (var point in missingMountPoints)
        {
            var parent = Path.GetDirectoryName(point);
            if (parent is null or "/")
            {
                continue;
            }

            var host = RootPath.Resolve(rootfs, parent);
            if (Directory.Exists(host) && !parents.ContainsKey(Path.GetRelativePath(rootfs, host)))
            {
                parents[Path.GetRelativePath(rootfs, host)] = LinuxFiles.Lstat(host);
            }
        }

        return parents;
    }

    /// <summary>
    /// Creating a mount stub in an existing directory makes overlayfs copy that directory up; once the stub is
    /// gone the copy holds nothing but a newer mtime. Such a copy is not a change the step made, and left in
    /// place it would turn <c>RUN true</c> into a layer holding an empty <c>/etc</c>, where BuildKit makes none.
    /// A copy that is opaque, has entries, or changed mode or owner is a real change and stays.
    /// </summary>
    private static void RemoveUnchangedCopyUps(ISnapshot snapshot, Dictionary<string, FileStatus> before)
    {
        foreach (var (relative, status) in before)
        {
            var upper = Path.Combine(snapshot.Upper, relative);
            if (!Directory.Exists(upper) || new DirectoryInfo(upper).LinkTarget is not null || Directory.EnumerateFileSystemEntries(upper).Any())
            {
                continue;
            }

            var now = LinuxFiles.Lstat(upper);
            var opaque = LinuxFiles.ReadExtendedAttributes(upper).ContainsKey(OverlayOpaqueXattr);
            if (!opaque && now.Mode == status.Mode && now.Uid == status.Uid && now.Gid == status.Gid)
            {
                Directory.Delete(upper);
            }
        }
    }
}
