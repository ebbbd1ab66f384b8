using Hyper.Build.Execution;
using Hyper.Build.Files;
using Hyper.Build.Images;

namespace Hyper.Build.Engine;

/// <summary>
/// Runs an image from the local store the way <c>docker run --rm</c> would: its layers mounted through a
/// throwaway overlay snapshot, ENTRYPOINT + CMD (or what <see cref="RunOptions"/> gives), its Env, User and
/// WorkingDir, in a container of the same runtime builds use. The snapshot is deleted afterwards.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ImageRunner(ImageStore images, SnapshotStore snapshots, ContainerLauncher containers)
{
    /// <summary>Runs <paramref name="image"/>, passing each output line to <paramref name="output"/>; returns the exit code.</summary>
    /// <exception cref="ArgumentException">The image has nothing to run and no command was given.</exception>
    public async Task<int> RunAsync(StoredImage image, RunOptions options, Action<string> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var config = image.Config.Config ?? new Oci.ContainerConfig();
        IReadOnlyList<string> entrypoint = options.Entrypoint is null ? config.Entrypoint ?? [] : options.Entrypoint.Length == 0 ? [] : [options.Entrypoint];

        // docker's rule: a new entrypoint drops the image's CMD; a command given replaces it.
        IReadOnlyList<string> command = options.Command.Count > 0 ? options.Command : options.Entrypoint is null ? config.Cmd ?? [] : [];
        var args = entrypoint.Concat(command).ToList();
        if (args.Count == 0)
        {
            throw new ArgumentException($"image {image.Name?.ToString() ?? image.Id.ToString()} has no ENTRYPOINT or CMD: give a command to run");
        }

        await snapshots.EnsureLayersAsync(images.Layout, image.Manifest.Image!.Layers, image.Config.RootFs.DiffIds, cancellationToken).ConfigureAwait(false);
        var snapshot = snapshots.Mount(image.Config.RootFs.DiffIds);
        try
        {
            var user = options.User ?? config.User;
            var identity = UserDatabase.FromRoot(snapshot.Merged).ResolveUser(string.IsNullOrEmpty(user) ? "0" : user);
            var workingDirectory = options.WorkingDirectory ?? (string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir);
            Directory.CreateDirectory(RootPath.Resolve(snapshot.Merged, workingDirectory));
            var process = new ContainerProcess
            {
                Args = args,
                Env = MergeEnvironment(config.Env ?? [], options.Environment),
                WorkingDirectory = workingDirectory,
                Uid = identity.Uid,
                Gid = identity.Gid,
                AdditionalGids = identity.AdditionalGids,
                Hostname = image.Id.Encoded[..12],
                Network = options.Network,
            };
            return await containers.RunAsync(process, snapshot.Merged, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SnapshotStore.Discard(snapshot);
        }
    }

    private static List<string> MergeEnvironment(IReadOnlyList<string> image, IReadOnlyList<string> overrides)
    {
        static string NameOf(string entry) => entry.Split('=', 2)[0];
        var result = image.Where(e => !overrides.Any(o => NameOf(o) == NameOf(e))).ToList();
        result.AddRange(overrides);
        return result;
    }
}
