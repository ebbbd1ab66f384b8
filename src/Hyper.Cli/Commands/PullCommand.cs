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
        var transfer = new TransferOptions();
        var command = new Command("pull", "Pull an image from a registry into the local store, or unpack it with --rootfs") { image, rootfs };
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
            var destination = directory is null
                ? new ImageStoreDestination(await DataRoot.OpenImagesAsync(parse, cancellationToken).ConfigureAwait(false), [name!])
                : (Distribution.Destinations.IImageDestination)new RootFilesystemDestination(directory);
            var written = await transfer.WithProgressAsync(parse, progress =>
                ImageCopier.CopyAsync(content, source.ToString(), destination, platform, allPlatforms: false, progress, cancellationToken)).ConfigureAwait(false);
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
