using System.Text.Json;

using Hyper.Oci;

namespace Hyper.Cli.Output;

/// <summary>
/// The JSON <c>hyperbuild inspect</c> prints, with <c>skopeo inspect</c>'s field names and order, so scripts written
/// for one read the other: Name, Digest, Created, Labels, Architecture, Variant, Os, Layers, LayersData, Env.
/// </summary>
public static class ImageInspectionWriter
{
    /// <summary>
    /// Writes the summary of <paramref name="image"/> (an image manifest) and its <paramref name="config"/>;
    /// <paramref name="digest"/> is that of the manifest the location names (the index, when it names one), as skopeo reports it.
    /// </summary>
    public static void Write(TextWriter output, string? name, Digest digest, ImageManifest image, ImageConfig? config)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(image);
        JsonText.Write(output, writer =>
        {
            writer.WriteStartObject();
            JsonText.WriteOptional(writer, "Name", name);
            writer.WriteString("Digest", digest.ToString());
            if (config?.Created is { } created)
            {
                writer.WriteString("Created", Rfc3339JsonConverter.Format(created));
            }

            writer.WriteStartObject("Labels");
            foreach (var (key, value) in config?.Config?.Labels ?? new Dictionary<string, string>())
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteString("Architecture", config?.Architecture ?? string.Empty);
            JsonText.WriteOptional(writer, "Variant", config?.Variant);
            writer.WriteString("Os", config?.OS ?? string.Empty);
            writer.WriteStartArray("Layers");
            foreach (var layer in image.Layers)
            {
                writer.WriteStringValue(layer.Digest.ToString());
            }

            writer.WriteEndArray();
            writer.WriteStartArray("LayersData");
            foreach (var layer in image.Layers)
            {
                WriteLayer(writer, layer);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("Env");
            foreach (var variable in config?.Config?.Env ?? [])
            {
                writer.WriteStringValue(variable);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static void WriteLayer(Utf8JsonWriter writer, Descriptor layer)
    {
        writer.WriteStartObject();
        writer.WriteString("MIMEType", layer.MediaType);
        writer.WriteString("Digest", layer.Digest.ToString());
        writer.WriteNumber("Size", layer.Size);
        if (layer.Annotations is { Count: > 0 } annotations)
        {
            writer.WriteStartObject("Annotations");
            foreach (var (key, value) in annotations)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("Annotations");
        }

        writer.WriteEndObject();
    }
}
