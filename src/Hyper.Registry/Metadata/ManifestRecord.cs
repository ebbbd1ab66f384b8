using Hyper.Oci;

namespace Hyper.Registry.Metadata;

/// <summary>What the registry keeps about a manifest; its bytes are a blob in the blob store under <see cref="Digest"/>.</summary>
/// <param name="Digest">The digest the manifest was pushed under (sha256 or sha512).</param>
/// <param name="MediaType">Its media type, served back as Content-Type.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Subject">The manifest it refers to, for the referrers API.</param>
/// <param name="ArtifactType">What the referrers API reports (artifactType, else config media type).</param>
/// <param name="Annotations">Its annotations, reported by the referrers API.</param>
/// <param name="References">Blobs and child manifests it needs (config, layers, index entries); a set: stores keep neither repeats nor order.</param>
public sealed record ManifestRecord(
    Digest Digest,
    string MediaType,
    long Size,
    Digest? Subject,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations,
    IReadOnlyList<Digest> References);
