using System.CommandLine;
using System.Globalization;

using Hyper.Cli.Output;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild du</c>: the build cache's records, most recently used first, as <c>docker buildx du</c> lists
/// them: the step, the size of its layer, when it was last used, and whether deleting it frees space (its
/// layer is in no image).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class DiskUsageCommand
{
    /// <summary>Characters of a step's history line shown; the rest is cut, as buildx does.</summary>
    private const int DescriptionWidth = 60;

    public static Command Create()
    {
        var command = new Command("du", "Show the build cache's disk usage");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            using var root = await DataRoot.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            var inImages = new HashSet<Digest>();
            foreach (var image in await root.Images.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                inImages.UnionWith(image.Manifest.Image?.Layers.Select(static l => l.Digest) ?? []);
            }

            var records = root.Cache.List().Reverse().ToList();
            var rows = new List<IReadOnlyList<string>> { new[] { "ID", "RECLAIMABLE", "SIZE", "LAST USED", "DESCRIPTION" } };
            rows.AddRange(records.Select(r => (IReadOnlyList<string>)
            [
                r.Record.Key.Encoded[..12],
                r.Record.Layer is { } layer && inImages.Contains(layer.Digest) ? "false" : "true",
                ByteSize.Format(r.Record.Layer?.Size ?? 0),
                r.LastUsed.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                r.Record.CreatedBy.Length > DescriptionWidth ? r.Record.CreatedBy[..(DescriptionWidth - 3)] + "..." : r.Record.CreatedBy,
            ]));
            TextTable.Write(output, rows, padding: 3);

            var layers = records.Select(static r => r.Record.Layer).OfType<Descriptor>().DistinctBy(static l => l.Digest).ToList();
            output.WriteLine($"Shared:\t\t{ByteSize.Format(layers.Where(l => inImages.Contains(l.Digest)).Sum(static l => l.Size))}");
            output.WriteLine($"Reclaimable:\t{ByteSize.Format(layers.Where(l => !inImages.Contains(l.Digest)).Sum(static l => l.Size))}");
            output.WriteLine($"Total:\t\t{ByteSize.Format(layers.Sum(static l => l.Size))}");
            return 0;
        });
        return command;
    }
}
