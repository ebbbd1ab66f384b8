using System.Text.Json;

namespace Hyper.Oci;

/// <summary>
/// A manifest or index kept as the exact bytes it arrived as, with its parsed view. The digest is
/// always over <see cref="Bytes"/>, never over re-serialized JSON, so unknown fields, key order and
/// whitespace survive any number of round trips.
/// </summary>
public sealed class Manifest
{
    private readonly byte[] _bytes;
    private Digest _sha256;

    private Manifest(byte[] bytes, string mediaType, ImageManifest? image, ImageIndex? index)
    {
        _bytes = bytes;
        MediaType = mediaType;
        Image = image;
        Index = index;
    }

    /// <summary>The bytes exactly as received or written.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>The media type: the document's own <c>mediaType</c> field, else the one it was given with.</summary>
    public string MediaType { get; }

    /// <summary>The parsed view when this is an OCI image manifest or Docker schema 2 manifest.</summary>
    public ImageManifest? Image { get; }

    /// <summary>The parsed view when this is an OCI index or Docker manifest list.</summary>
    public ImageIndex? Index { get; }

    /// <summary>The sha256 digest of <see cref="Bytes"/>.</summary>
    public Digest Digest => _sha256.IsEmpty ? _sha256 = Digest.Compute(_bytes) : _sha256;

    /// <summary>The manifest this one refers to (signatures, SBOMs and other referrers).</summary>
    public Descriptor? Subject => Image?.Subject ?? Index?.Subject;

    /// <summary>
    /// The artifact type the referrers API reports: <c>artifactType</c> if set, else for an image
    /// manifest its config media type (distribution-spec, "Listing Referrers").
    /// </summary>
    public string? ArtifactType => Image is { } image
        ? image.ArtifactType ?? image.Config.MediaType
        : Index?.ArtifactType;

    public IReadOnlyDictionary<string, string>? Annotations => Image?.Annotations ?? Index?.Annotations;

    /// <summary>Blobs this manifest needs: its config and layers. Empty for an index.</summary>
    public IEnumerable<Descriptor> Blobs => Image is { } image ? [image.Config, .. image.Layers] : [];

    /// <summary>Manifests this one lists. Empty for an image manifest.</summary>
    public IReadOnlyList<Descriptor> Children => Index?.Manifests ?? [];

    /// <summary>The digest of <see cref="Bytes"/> with another algorithm.</summary>
    public Digest ComputeDigest(string algorithm) =>
        algorithm == Digest.Sha256 ? Digest : Digest.Compute(_bytes, algorithm);

    /// <summary>A descriptor pointing at this manifest.</summary>
    public Descriptor ToDescriptor(IReadOnlyDictionary<string, string>? annotations = null, Platform? platform = null) => new()
    {
        MediaType = MediaType,
        Digest = Digest,
        Size = _bytes.Length,
        ArtifactType = Image?.ArtifactType ?? Index?.ArtifactType,
        Annotations = annotations,
        Platform = platform,
    };

    /// <summary>Serializes <paramref name="manifest"/> once; the result's bytes are final.</summary>
    public static Manifest Create(ImageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Parse(OciJson.Serialize(manifest));
    }

    /// <summary>Serializes <paramref name="index"/> once; the result's bytes are final.</summary>
    public static Manifest Create(ImageIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Parse(OciJson.Serialize(index));
    }

    /// <summary>
    /// Parses and validates <paramref name="bytes"/>. Manifest and index types are checked against the
    /// spec (JSON object, schemaVersion 2, well-formed descriptors); any other media type need only be a
    /// JSON object, and is kept opaque. Throws <see cref="InvalidOciDocumentException"/> with the reason.
    /// </summary>
    /// <param name="bytes">The document; copied, so the caller may reuse the buffer.</param>
    /// <param name="contentType">The media type it was sent with (HTTP Content-Type), if any.</param>
    public static Manifest Parse(ReadOnlySpan<byte> bytes, string? contentType = null)
    {
        var copy = bytes.ToArray();
        var declared = ReadDeclaredShape(copy);
        contentType = NormalizeContentType(contentType);
        if (declared.MediaType is { } field && contentType is not null && !MediaTypes.Equal(contentType, field)
            && MediaTypes.IsManifest(contentType))
        {
            throw new InvalidOciDocumentException($"manifest mediaType '{field}' does not match its content type '{contentType}'");
        }

        // Canonical: the switch below compares constants, and the type is served as it is kept here.
        var mediaType = MediaTypes.Canonical(declared.MediaType ?? contentType ?? declared.GuessedMediaType)
            ?? throw new InvalidOciDocumentException("manifest has no mediaType, and none was given with it");

        switch (mediaType)
        {
            case MediaTypes.OciManifest or MediaTypes.DockerManifest:
                var image = OciJson.Deserialize<ImageManifest>(copy, "manifest");
                image.Validate();
                if (mediaType == MediaTypes.DockerManifest && !MediaTypes.Equal(image.MediaType, MediaTypes.DockerManifest))
                {
                    throw new InvalidOciDocumentException($"a Docker schema 2 manifest must carry mediaType '{MediaTypes.DockerManifest}'");
                }

                return new Manifest(copy, mediaType, image, null);
            case MediaTypes.OciIndex or MediaTypes.DockerManifestList:
                var index = OciJson.Deserialize<ImageIndex>(copy, "index");
                index.Validate();
                return new Manifest(copy, mediaType, null, index);
            case MediaTypes.DockerSchema1Manifest or MediaTypes.DockerSchema1SignedManifest:
                throw new InvalidOciDocumentException("Docker schema 1 manifests are obsolete and not supported; push with schema 2 or OCI");
            default:
                return new Manifest(copy, mediaType, null, null);
        }
    }

    private static string? NormalizeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var bare = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        // Clients that send no meaningful type: fall back to the document's own field.
        return MediaTypes.Equal(bare, "application/json") || MediaTypes.Equal(bare, "application/octet-stream") || MediaTypes.Equal(bare, "text/plain")
            ? null
            : bare;
    }

    private readonly record struct DeclaredShape(string? MediaType, string? GuessedMediaType);

    /// <summary>Reads just enough of the document to know what it is, without binding it to a type.</summary>
    private static DeclaredShape ReadDeclaredShape(byte[] bytes)
    {
        JsonDocument document;
        try
        {
            // Rejects comments, trailing commas and anything after the object, as Go's decoder does.
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new InvalidOciDocumentException($"manifest is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOciDocumentException($"manifest must be a JSON object, found {root.ValueKind}");
            }

            string? mediaType = null;
            if (root.TryGetProperty("mediaType", out var field))
            {
                mediaType = field.ValueKind == JsonValueKind.String
                    ? field.GetString()
                    : throw new InvalidOciDocumentException("manifest mediaType must be a string");
            }

            string? guess = root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex
                : root.TryGetProperty("config", out _) || root.TryGetProperty("layers", out _) ? MediaTypes.OciManifest
                : null;
            return new DeclaredShape(mediaType, guess);
        }
    }
}
