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

    private const string OverlayOpaqueAttribute = "trusted.overlay.opaque";

    // Where the runtime mounts things; missing ones it creates in the rootfs, which must not end up in the layer.
    private static readonly string[] MountPoints = ["/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf", "/etc"];

    private async Task RunAsync(StageState state, PlannedStep step, RunInstruction run, BuildVertex vertex, CancellationToken cancellationToken)
    {
        if (run.Mounts.Count > 0)
        {
            throw new BuildFailedException($"{Location(run)}: RUN --mount is not supported by this version of hyperbuild yet");
        }

        if (run.Security == RunSecurity.Insecure)
        {
            throw new BuildFailedException($"{Location(run)}: RUN --security=insecure needs the security.insecure entitlement, which hyperbuild does not grant");
        }

        if (state.Platform.OS != Oci.Platform.Current.OS || state.Platform.Architecture != Oci.Platform.Current.Architecture)
        {
            throw new BuildFailedException(
                $"{Location(run)}: RUN cannot execute {state.Platform} programs on this {Oci.Platform.Current} machine: hyperbuild has no emulation; build RUN steps with --platform=$BUILDPLATFORM");
        }

        var snapshot = builder.Snapshots.Mount(state.DiffIds);
        try
        {
            var (args, mounts) = ProcessArguments(state, run, snapshot.Directory);
            var rootfs = snapshot.Merged;
            var identity = UserDatabase.FromRoot(rootfs).ResolveUser(string.IsNullOrEmpty(state.Config.User) ? "0" : state.Config.User);
            var workingDirectory = state.WorkingDirectory;
            Directory.CreateDirectory(RootPath.Resolve(rootfs, workingDirectory));
            var missingMountPoints = MountPoints.Where(p => !Path.Exists(RootPath.Resolve(rootfs, p))).ToList();

            var process = new ContainerProcess
            {
                Args = args,
                Env = [.. step.Environment.Select(static e => $"{e.Key}={e.Value}"), .. ProxyVariables(step)],
                WorkingDirectory = workingDirectory,
                Uid = identity.Uid,
                Gid = identity.Gid,
                AdditionalGids = identity.AdditionalGids,
                Hostname = Hostname,
                Mounts = mounts,
                Network = run.Network switch
                {
                    RunNetwork.None => NetworkMode.None,
                    RunNetwork.Host => NetworkMode.Host,
                    _ => request.Network,
                },
            };

            var tail = new Queue<string>();
            var exitCode = await builder.Containers.RunAsync(process, rootfs, line =>
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
            PruneCopiedUpParents(snapshot.Upper, missingMountPoints);
            await CommitAsync(state, snapshot, $"RUN {string.Join(' ', args)} # buildkit", cancellationToken).ConfigureAwait(false);
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
        if (run.Command.IsExecForm)
        {
            return (run.Command.Arguments, []);
        }

        var command = string.Join(' ', run.Command.Arguments);
        if (run.Heredocs.Count == 0)
        {
            return ([.. state.Shell, command], []);
        }

        var first = run.Heredocs[0];
        var only = run.Heredocs.Count == 1 && command.Trim().TrimStart('<').TrimStart('-').Trim('"', '\'') == first.Name;
        if (!only)
        {
            return ([.. state.Shell, command + string.Concat(run.Heredocs.Select(static h => "\n" + h.Content + h.Name))], []);
        }

        if (!first.Content.StartsWith("#!", StringComparison.Ordinal))
        {
            return ([.. state.Shell, first.Content], []);
        }

        var script = Path.Combine(scratch, $"heredoc-{Guid.NewGuid():N}");
        File.WriteAllText(script, first.Content);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        var destination = $"/dev/pipes/{first.Name}";
        return ([destination], [ContainerMount.ReadOnlyBind(script, destination)]);
    }

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
    /// Creating a mount point in a directory the lower layers have (/etc/hosts in /etc) copies that directory up
    /// into the upper one; once the stub is gone the copy is empty and says nothing, but would still be a layer
    /// entry. Such empty copies are dropped, unless opaque (the step emptied the directory on purpose).
    /// </summary>
    private static void PruneCopiedUpParents(string upper, IReadOnlyList<string> missingBefore)
    {
        var parents = missingBefore.Select(static p => Path.GetDirectoryName(p)!)
            .Where(p => p != "/" && !missingBefore.Contains(p))
            .Distinct(StringComparer.Ordinal);
        foreach (var parent in parents)
        {
            var path = Path.Combine(upper, parent.TrimStart('/'));
            if (Directory.Exists(path)
                && new DirectoryInfo(path).LinkTarget is null
                && !Directory.EnumerateFileSystemEntries(path).Any()
                && !LinuxFiles.ReadExtendedAttributes(path).ContainsKey(OverlayOpaqueAttribute))
            {
                Directory.Delete(path);
            }
        }
    }
}
