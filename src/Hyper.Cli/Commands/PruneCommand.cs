using System.CommandLine;

using Hyper.Cli.Output;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild prune</c>: deletes the build cache (least recently used first down to <c>--keep-storage</c>),
/// the layer blobs and unpacked layers nothing needs any more, and with <c>--all</c> the RUN cache mounts too.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class PruneCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Also delete RUN --mount=type=cache directories" };
        var keepStorage = new Option<string?>("--keep-storage") { Description = "Keep the most recently used cache up to this size, e.g. 5GB" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask for confirmation (hyperbuild never asks; accepted as docker's)" };
        var command = new Command("prune", "Remove build cache") { all, keepStorage, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            long? keep;
            try
            {
                keep = parse.GetValue(keepStorage) is { } text ? ByteSize.Parse(text) : null;
            }
            catch (FormatException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"hyperbuild: --keep-storage: {e.Message}");
                return 2;
            }

            using var root = await DataRoot.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            using var collecting = await root.LockForCollectionAsync(parse.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
            var result = await root.Cache.PruneAsync(root.Images, root.Snapshots, keep, cancellationToken).ConfigureAwait(false);
            var mounts = 0;
            if (parse.GetValue(all))
            {
                var directory = new DirectoryInfo(root.CacheMountDirectory);
                if (directory.Exists)
                {
                    foreach (var cache in directory.EnumerateDirectories())
                    {
                        cache.Delete(recursive: true);
                        mounts++;
                    }
                }
            }

            output.WriteLine($"Deleted {result.Records} cache records, {result.UnpackedLayers} unpacked layers{(mounts > 0 ? $", {mounts} cache mounts" : string.Empty)}");
            output.WriteLine($"Total:\t{ByteSize.Format(result.BlobBytes)}");
            return 0;
        });
        return command;
    }
}
