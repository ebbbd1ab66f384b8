using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>
/// A <c>--build-context NAME=VALUE</c> as buildx reads it: <c>docker-image://REF</c> (an image from a
/// registry or the local store), <c>oci-layout://DIR[:TAG]</c> (an image in an OCI layout, offline), or a
/// local directory (files for <c>COPY --from=NAME</c>).
/// </summary>
public sealed record NamedContext
{
    private const string ImageScheme = "docker-image://";
    private const string LayoutScheme = "oci-layout://";

    /// <summary>The image, for <c>docker-image://</c>.</summary>
    public Reference? Image { get; private init; }

    /// <summary>The OCI layout directory, for <c>oci-layout://</c>.</summary>
    public string? LayoutDirectory { get; private init; }

    /// <summary>The tag (or <c>@digest</c>) in the layout; null means the only image in it.</summary>
    public string? LayoutTag { get; private init; }

    /// <summary>The local directory, for a plain path.</summary>
    public string? Directory { get; private init; }

    /// <summary>Reads one <c>--build-context</c> value (after <c>NAME=</c>).</summary>
    /// <exception cref="FormatException">The value is not one of the three forms.</exception>
    public static NamedContext Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith(ImageScheme, StringComparison.Ordinal))
        {
            var text = value[ImageScheme.Length..];
            return Reference.TryParse(text, out var image, out var error)
                ? new NamedContext { Image = image }
                : throw new FormatException($"--build-context {value}: {error}");
        }

        if (value.StartsWith(LayoutScheme, StringComparison.Ordinal))
        {
            // DIR:TAG or DIR@sha256:…; a colon inside the directory part is read as the tag separator, as buildx does.
            var rest = value[LayoutScheme.Length..];
            var at = rest.IndexOf('@', StringComparison.Ordinal);
            var colon = rest.LastIndexOf(':');
            var (directory, tag) = at >= 0 ? (rest[..at], rest[at..])
                : colon > rest.LastIndexOf('/') ? (rest[..colon], rest[(colon + 1)..])
                : (rest, null);
            if (directory.Length == 0)
            {
                throw new FormatException($"--build-context {value}: no directory after oci-layout://");
            }

            // Checked here so a mistyped tag or digest is reported with the option, not halfway through the build.
            if (tag is "")
            {
                throw new FormatException($"--build-context {value}: the tag after ':' is empty; write oci-layout://DIR, DIR:TAG or DIR@sha256:…");
            }

            if (tag is not null && tag.StartsWith('@') && !Digest.TryParse(tag.AsSpan(1), out _, out var digestError))
            {
                throw new FormatException($"--build-context {value}: {digestError}");
            }

            return new NamedContext { LayoutDirectory = Path.GetFullPath(directory), LayoutTag = tag };
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw new FormatException($"--build-context {value}: only docker-image://, oci-layout:// and local directories are supported");
        }

        return System.IO.Directory.Exists(value)
            ? new NamedContext { Directory = Path.GetFullPath(value) }
            : throw new FormatException($"--build-context {value}: no such directory");
    }

    public override string ToString() =>
        Image is not null ? ImageScheme + Image
        : LayoutDirectory is not null ? LayoutScheme + LayoutDirectory + (LayoutTag is null ? string.Empty : LayoutTag.StartsWith('@') ? LayoutTag : ":" + LayoutTag)
        : Directory!;
}
