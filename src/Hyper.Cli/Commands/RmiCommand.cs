using System.CommandLine;

namespace Hyper.Cli.Commands;

/// <summary><c>hyperbuild rmi</c>: untags or removes images from the local store and deletes the blobs nothing needs any more.</summary>
public static class RmiCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("IMAGE") { Description = "Image names or IDs", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rmi", "Remove images from the local store") { images };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            using var root = await DataRoot.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            using var collecting = await root.LockForCollectionAsync(error, cancellationToken).ConfigureAwait(false);
            var failed = false;

            // The build cache's layers stay: a rebuild reuses them although no image names them any more.
            var cached = root.Cache.ReferencedBlobs();
            foreach (var image in parse.GetValue(images) ?? [])
            {
                var removed = await root.Images.RemoveAsync(image, cached, cancellationToken).ConfigureAwait(false);
                if (removed.Count == 0)
                {
                    error.WriteLine($"hyperbuild: no such image: {image}");
                    failed = true;
                }

                foreach (var name in removed)
                {
                    output.WriteLine($"Untagged: {name}");
                }
            }

            return failed ? 1 : 0;
        });
        return command;
    }
}
