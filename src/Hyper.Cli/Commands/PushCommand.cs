using System.CommandLine;

using Hyper.Distribution;
using Hyper.Distribution.Content;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild push IMAGE [DESTINATION]</c>: sends an image from the local store (built with <c>-t</c>, or pulled)
/// to its registry, or to any location named as skopeo names them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class PushCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Name or ID of an image in the local store (also as hyperbuild-storage:NAME)" };
        var destination = new Argument<string?>("DESTINATION")
        {
            Description = "Where to send it (default: the registry its name says): docker://REF, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var transfer = new TransferOptions();
        var command = new Command("push", "Push an image from the local store to a registry (or another location)") { image, destination };
        transfer.AddTo(command);
        command.SetAction((parse, cancellationToken) => ImageCommandAction.RunAsync(parse, async () =>
        {
            var name = parse.GetValue(image)!;
            if (name.StartsWith(ImageLocation.LocalStorePrefix, StringComparison.Ordinal))
            {
                name = ImageLocation.Parse(name).Tag!;
            }

            using var inUse = await DataRoot.LockForUseAsync(parse, cancellationToken).ConfigureAwait(false);
            var store = await DataRoot.OpenImagesAsync(parse, cancellationToken).ConfigureAwait(false);
            var stored = await store.FindAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"no such image in the local store: {name} (hyperbuild images lists them)");
            ImageLocation target;
            if (parse.GetValue(destination) is { } text)
            {
                target = ImageLocation.Parse(text);
            }
            else
            {
                target = ImageLocation.ForRegistry(stored.Name
                    ?? throw new FormatException($"image {stored.Id.Encoded[..12]} has no name, so no registry to push to: name it with build -t, or give a DESTINATION"));
            }

            using var locations = new ImageLocations(transfer.CreateClient(parse, target), parse);
            var destinationOfTarget = await locations.CreateDestinationAsync(target, cancellationToken).ConfigureAwait(false);
            var written = await transfer.WithProgressAsync(parse, progress =>
                destinationOfTarget.WriteAsync(new LayoutImageContent(store.Layout, stored.Manifest), progress, cancellationToken)).ConfigureAwait(false);
            if (!parse.GetValue(transfer.Quiet))
            {
                parse.InvocationConfiguration.Error.WriteLine($"pushed {stored.Name?.ToString() ?? stored.Id.ToString()} to {target}");
            }

            parse.InvocationConfiguration.Output.WriteLine(written.Digest);
            return 0;
        }));
        return command;
    }
}
