namespace Hyper.Build.Images;

/// <summary>One <c>--output</c> as buildx reads it: <c>type=oci,dest=out.tar</c>, or a plain path meaning <c>type=local,dest=PATH</c>.</summary>
public sealed record ImageOutput(OutputType Type, string? Destination)
{
    /// <exception cref="FormatException">The value names an unknown type or key, or lacks a destination.</exception>
    public static ImageOutput Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            return new ImageOutput(OutputType.Local, text);
        }

        string? type = null;
        string? destination = null;
        foreach (var field in text.Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = equals < 0 ? (field, string.Empty) : (field[..equals], field[(equals + 1)..]);
            switch (key.Trim().ToLowerInvariant())
            {
                case "type":
                    type = value.Trim().ToLowerInvariant();
                    break;
                case "dest":
                    destination = value;
                    break;
                case "name" or "push":
                    // Names come from -t; type=registry (or image) pushes to each of them.
                    break;
                default:
                    throw new FormatException($"--output {text}: unknown key '{key}' (known: type, dest)");
            }
        }

        var output = type switch
        {
            "oci" => new ImageOutput(OutputType.Oci, destination),
            "docker" => new ImageOutput(OutputType.Docker, destination),
            "local" => new ImageOutput(OutputType.Local, destination),
            "registry" or "image" => new ImageOutput(OutputType.Registry, null),
            null => throw new FormatException($"--output {text}: no type= (oci, docker, local or registry)"),
            _ => throw new FormatException($"--output {text}: unknown type '{type}' (oci, docker, local or registry)"),
        };
        return output.Type != OutputType.Registry && string.IsNullOrEmpty(output.Destination)
            ? throw new FormatException($"--output {text}: type={type} needs dest=")
            : output;
    }
}
