using System.CommandLine;

using Hyper.Build.Images;
using Hyper.Distribution;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild pull REF</c>: brings an image from a registry into the local store under its name (the platform
/// chosen from an index), or with <c>--rootfs DIR</c> unpacks it into a directory, whiteouts applied.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class PullCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE")
        {
            Description = "The image: docker://REF or REF; with --rootfs also oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], hyperbuild-storage:NAME",
        };
        var rootfs = new Option<string?>("--rootfs") { Description = "Unpack the image's root filesystem into DIR (new or empty) instead of storing it" };
        var devices = new Option<bool>("--devices") { Description = "With --rootfs: create the image's block and character devices too (skipped by default: anyone who can reach DIR could use them)" };
        var transfer = new TransferOptions();
        var command = new Command("pull", "Pull an image from a registry into the local store, or unpack it with --rootfs") { image, rootfs, devices };
        transfer.AddTo(command);
        command.SetAction((parse, cancellationToken) => ImageCommandAction.RunAsync(parse, async () =>
        {
            var location = ImageLocation.Parse(parse.GetValue(image)!);
            var platform = transfer.PlatformOf(parse);
            var directory = parse.GetValue(rootfs);
            if (directory is null && location.Transport != ImageTransport.Registry)
            {
                throw new FormatException($"'{location}' is not in a registry: pull stores images by their registry name; use --rootfs DIR to unpack it, or hyperbuild copy");
            }

            var name = location.Reference is { } reference && reference.Tag is null && reference.Digest is null
                ? reference.WithTag(Reference.DefaultTag)
                : location.Reference;
            var source = name is null ? location : ImageLocation.ForRegistry(name);
            using var locations = new ImageLocations(transfer.CreateClient(parse, source), parse);
            var content = await locations.OpenSourceAsync(source, cancellationToken).ConfigureAwait(false);
            using var inUse = directory is null ? await DataRoot.LockForUseAsync(parse, cancellationToken).ConfigureAwait(false) : null;
            var unpacked = directory is null ? null : new RootFilesystemDestination(directory, parse.GetValue(devices));
            var destination = unpacked
                ?? (Distribution.Destinations.IImageDestination)new ImageStoreDestination(await DataRoot.OpenImagesAsync(parse, cancellationToken).ConfigureAwait(false), [name!]);
            var written = await transfer.WithProgressAsync(parse, progress =>
                ImageCopier.CopyAsync(content, source.ToString(), destination, platform, allPlatforms: false, progress, cancellationToken)).ConfigureAwait(false);
            if (unpacked?.SkippedDevices is { Count: > 0 } skipped)
            {
                // Even with -q: what is missing from the tree is not progress.
                const int named = 10;
                var more = skipped.Count > named ? $" and {skipped.Count - named} more" : string.Empty;
                parse.InvocationConfiguration.Error.WriteLine(
                    $"hyperbuild: warning: skipped {skipped.Count} device node{(skipped.Count == 1 ? string.Empty : "s")} ({string.Join(", ", skipped.Take(named))}{more}); --devices creates them");
            }

            var output = parse.InvocationConfiguration.Output;
            if (!parse.GetValue(transfer.Quiet))
            {
                output.WriteLine($"Digest: {written.Digest}");
            }

            output.WriteLine(directory is null ? name!.ToString() : Path.GetFullPath(directory));
            return 0;
        }));
        return command;
    }
}
