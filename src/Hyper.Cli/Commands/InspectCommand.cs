using System.CommandLine;
using System.Text;
using System.Text.Json;

using Hyper.Cli.Output;
using Hyper.Distribution;
using Hyper.Distribution.Content;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild inspect LOCATION</c>: what <c>skopeo inspect</c> shows of an image (digest, created, platform,
/// layers, environment) as JSON; <c>--raw</c> the manifest exactly as stored, <c>--config</c> the image config.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class InspectCommand
{
    public static Command Create()
    {
        var location = new Argument<string>("LOCATION") { Description = "docker://REF or REF, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], hyperbuild-storage:NAME" };
        var raw = new Option<bool>("--raw") { Description = "Print the manifest (with --config: the config) exactly as stored" };
        var config = new Option<bool>("--config") { Description = "Print the image config instead of the summary" };
        var transfer = new TransferOptions();
        var command = new Command("inspect", "Show an image's manifest and config as JSON")
        {
            location, raw, config, transfer.Platform, transfer.InsecureRegistries, transfer.TlsVerify, transfer.CaFile, transfer.AuthFile,
        };
        command.SetAction((parse, cancellationToken) => ImageCommandAction.RunAsync(parse, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var where = ImageLocation.Parse(parse.GetValue(location)!);
            using var locations = new ImageLocations(transfer.CreateClient(parse, where), parse);
            var content = await locations.OpenSourceAsync(where, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(raw) && !parse.GetValue(config))
            {
                // Exact bytes, no newline added: the digest of what is printed is the manifest's.
                output.Write(Encoding.UTF8.GetString(content.Manifest.Bytes.Span));
                return 0;
            }

            var image = await PlatformImageContent.SelectAsync(content, transfer.PlatformOf(parse), where.ToString(), cancellationToken).ConfigureAwait(false);
            var manifest = image.Manifest.Image ?? throw new InvalidOciDocumentException($"{where} names a {image.Manifest.MediaType}, which is not an image");
            var configBytes = await ImageContentDocuments.ReadAsync(image, manifest.Config, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(config))
            {
                if (parse.GetValue(raw))
                {
                    output.Write(Encoding.UTF8.GetString(configBytes));
                }
                else
                {
                    using var document = JsonDocument.Parse(configBytes);
                    JsonText.Write(output, document.WriteTo);
                }

                return 0;
            }

            var parsed = MediaTypes.IsImageConfig(manifest.Config.MediaType) ? ImageConfig.Parse(configBytes) : null;
            var name = where.Reference is { } reference ? reference.Name : null;
            ImageInspectionWriter.Write(output, name, content.Manifest.Digest, manifest, parsed);
            return 0;
        }));
        return command;
    }
}
