using Hyper.Oci;

namespace Hyper.Distribution;

/// <summary>
/// An image location as the commands take it, with skopeo's transport names: <c>docker://ref</c> or a
/// plain reference, <c>oci:dir[:tag]</c>, <c>oci-archive:file[:tag]</c>, <c>docker-archive:file[:ref]</c>; and
/// <c>hyperbuild-storage:name-or-id</c> for the local image store, as podman has <c>containers-storage:</c>.
/// </summary>
public sealed record ImageLocation
{
    private ImageLocation(ImageTransport transport, Reference? reference, string? path, string? tag)
    {
        Transport = transport;
        Reference = reference;
        Path = path;
        Tag = tag;
    }

    public ImageTransport Transport { get; }

    /// <summary>The image reference, for <see cref="ImageTransport.Registry"/>.</summary>
    public Reference? Reference { get; }

    /// <summary>The directory or file, for the local transports.</summary>
    public string? Path { get; }

    /// <summary>
    /// The image within a layout or archive: a tag (<c>latest</c>) for OCI layouts, a reference
    /// (<c>repo:tag</c>) for docker archives; null means "the only image there". For the local store: the
    /// image's name (<c>app:1.0</c>) or ID (a prefix of at least 4 hex digits will do), never null.
    /// </summary>
    public string? Tag { get; }

    public override string ToString() => Transport switch
    {
        ImageTransport.Registry => $"docker://{Reference}",
        ImageTransport.LocalStore => $"{LocalStorePrefix}{Tag}",
        _ => $"{Prefix(Transport)}{Path}{(Tag is null ? string.Empty : ":" + Tag)}",
    };

    public static ImageLocation ForRegistry(Reference reference) =>
        new(ImageTransport.Registry, reference ?? throw new ArgumentNullException(nameof(reference)), null, null);

    public static ImageLocation ForFile(ImageTransport transport, string path, string? tag = null)
    {
        if (transport == ImageTransport.Registry)
        {
            throw new ArgumentException("a registry location has no file; use ForRegistry", nameof(transport));
        }

        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ImageLocation(transport, null, path, string.IsNullOrEmpty(tag) ? null : tag);
    }

    /// <summary>The image named <paramref name="nameOrId"/> in the local store.</summary>
    public static ImageLocation ForLocalStore(string nameOrId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        return new ImageLocation(ImageTransport.LocalStore, null, null, nameOrId);
    }

    /// <summary>Parses a location; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static ImageLocation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(LocalStorePrefix, StringComparison.Ordinal))
        {
            return ParseLocalStore(text[LocalStorePrefix.Length..], text);
        }

        foreach (var transport in (ReadOnlySpan<ImageTransport>)[ImageTransport.OciArchive, ImageTransport.OciLayout, ImageTransport.DockerArchive])
        {
            var prefix = Prefix(transport);
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ParseFile(transport, text[prefix.Length..], text);
            }
        }

        var referenceText = text.StartsWith(RegistryPrefix, StringComparison.Ordinal) ? text[RegistryPrefix.Length..] : text;
        if (!Reference.TryParse(referenceText, out var reference, out var error))
        {
            throw new FormatException(
                $"'{text}' is not an image location: {error}. Use a reference (docker://host/repo:tag) or oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], hyperbuild-storage:NAME");
        }

        return ForRegistry(reference!);
    }

    private const string RegistryPrefix = "docker://";

    /// <summary>The transport name of the local image store.</summary>
    public const string LocalStorePrefix = "hyperbuild-storage:";

    /// <summary>The whole rest is the name (which has colons of its own) or the ID, as <c>hyperbuild images</c> shows them.</summary>
    private static ImageLocation ParseLocalStore(string rest, string text)
    {
        var id = rest.StartsWith("sha256:", StringComparison.Ordinal) ? rest["sha256:".Length..] : rest;
        if (!Reference.TryParse(rest, out _, out var error) && !(id.Length >= 4 && id.All(Uri.IsHexDigit)))
        {
            throw new FormatException(
                $"'{text}' names no image of the local store: {(rest.Length == 0 ? "the name is empty" : error)}; expected {LocalStorePrefix}NAME[:TAG] or {LocalStorePrefix}ID");
        }

        return ForLocalStore(rest);
    }

    private static string Prefix(ImageTransport transport) => transport switch
    {
        ImageTransport.OciLayout => "oci:",
        ImageTransport.OciArchive => "oci-archive:",
        ImageTransport.DockerArchive => "docker-archive:",
        _ => RegistryPrefix,
    };

    /// <summary>The path ends at the first colon, as in skopeo: paths with colons cannot be named.</summary>
    private static ImageLocation ParseFile(ImageTransport transport, string rest, string text)
    {
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var path = colon < 0 ? rest : rest[..colon];
        var tag = colon < 0 ? null : rest[(colon + 1)..];
        if (path.Length == 0)
        {
            throw new FormatException($"'{text}' names no {(transport == ImageTransport.OciLayout ? "directory" : "file")}: expected {Prefix(transport)}PATH[:TAG]");
        }

        if (tag is not null)
        {
            var valid = transport == ImageTransport.DockerArchive
                ? Reference.TryParse(tag, out _, out _)
                : IsValidLayoutTag(tag);
            if (!valid)
            {
                throw new FormatException($"'{text}': '{tag}' is not a valid {(transport == ImageTransport.DockerArchive ? "image reference" : "tag")}");
            }
        }

        return ForFile(transport, path, tag);
    }

    /// <summary>
    /// OCI layouts name images with <c>org.opencontainers.image.ref.name</c>, which allows full
    /// references as well as tags; anything printable without whitespace is accepted.
    /// </summary>
    private static bool IsValidLayoutTag(string tag) =>
        tag.Length > 0 && tag.All(c => c > ' ' && c < 0x7f);
}
