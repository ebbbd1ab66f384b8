using System.CommandLine;

using Hyper.Distribution;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild copy SRC DST</c>: copies an image between any two of a registry, an OCI layout, an OCI archive and a
/// docker archive, named as skopeo names them. Registry sources are streamed: no copy of the image is made on disk.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class CopyCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SOURCE") { Description = "docker://REF or REF, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], hyperbuild-storage:NAME" };
        var destination = new Argument<string>("DESTINATION") { Description = "Where to write the image, named the same way" };
        var all = new Option<bool>("--all", "-a") { Description = "Copy a whole index (every platform), where the destination can hold one" };
        var transfer = new TransferOptions();
        var command = new Command("copy", "Copy an image from one location to another (registry, OCI layout or archive, docker archive)")
        {
            source, destination, all,
        };
        transfer.AddTo(command);
        command.SetAction((parse, cancellationToken) => ImageCommandAction.RunAsync(parse, async () =>
        {
            var from = ImageLocation.Parse(parse.GetValue(source)!);
            var to = ImageLocation.Parse(parse.GetValue(destination)!);
            var platform = transfer.PlatformOf(parse);
            using var locations = new ImageLocations(transfer.CreateClient(parse, from, to), parse);
            var content = await locations.OpenSourceAsync(from, cancellationToken).ConfigureAwait(false);
            var target = await locations.CreateDestinationAsync(to, cancellationToken).ConfigureAwait(false);
            var written = await transfer.WithProgressAsync(parse, progress =>
                ImageCopier.CopyAsync(content, from.ToString(), target, platform, parse.GetValue(all), progress, cancellationToken)).ConfigureAwait(false);
            if (!parse.GetValue(transfer.Quiet))
            {
                parse.InvocationConfiguration.Error.WriteLine($"copied {from} to {to}");
            }

            parse.InvocationConfiguration.Output.WriteLine(written.Digest);
            return 0;
        }));
        return command;
    }
}
