using System.CommandLine;
using System.Globalization;

using Hyper.Cli.Output;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary><c>hyperbuild images</c>: the images in the local store, as <c>docker images</c> lists them.</summary>
public static class ImagesCommand
{
    public static Command Create()
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var command = new Command("images", "List the images in the local store") { quiet };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            using var root = await DataRoot.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            var images = await root.Images.ListAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(quiet))
            {
                foreach (var id in images.Select(static i => i.Id.Encoded[..12]).Distinct())
                {
                    output.WriteLine(id);
                }

                return 0;
            }

            var rows = new List<IReadOnlyList<string>> { new[] { "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE" } };
            rows.AddRange(images.Select(static i => (IReadOnlyList<string>)
            [
                i.Name is { } name ? RepositoryOf(name) : "<none>",
                i.Name?.Tag ?? "<none>",
                i.Id.Encoded[..12],
                i.Config.Created?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty,
                ByteSize.Format(i.Size),
            ]));
            TextTable.Write(output, rows, padding: 3);
            return 0;
        });
        return command;
    }

    /// <summary>The repository as docker shows it: <c>app</c> for docker.io/library/app, without tag or digest.</summary>
    private static string RepositoryOf(Reference name)
    {
        var familiar = name.ToFamiliarString();
        var suffix = name.Digest is { } digest ? "@" + digest : name.Tag is { } tag ? ":" + tag : string.Empty;
        return familiar.EndsWith(suffix, StringComparison.Ordinal) ? familiar[..^suffix.Length] : familiar;
    }
}
