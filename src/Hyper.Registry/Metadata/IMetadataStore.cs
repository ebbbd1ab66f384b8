using Hyper.Oci;

namespace Hyper.Registry.Metadata;

/// <summary>
/// What the registry knows about its content besides the bytes: repositories, which blobs each
/// repository may serve, manifests and what they reference, tags, referrers and upload sessions.
/// SQLite is the embedded default; PostgreSQL follows with the same shared test suite
/// (tests/Hyper.Registry.Tests/Metadata). Repositories come into being with their first blob link or
/// manifest. Every method is safe to call concurrently from many requests.
/// </summary>
public interface IMetadataStore
{
    /// <summary>Creates the schema when missing, and migrates an older one.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="repository"/> holds <paramref name="digest"/> (idempotent).</summary>
    Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken cancellationToken);

    /// <summary>Size of a blob linked to the repository, or null when the repository may not serve it.</summary>
    Task<long?> GetBlobLinkAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Removes the repository's link to a blob; false when there was none.</summary>
    Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a manifest and points each of <paramref name="tags"/> at it, in one transaction (a tag
    /// that pointed elsewhere moves). Storing the same manifest again only adds the tags.
    /// </summary>
    Task PutManifestAsync(string repository, ManifestRecord manifest, IReadOnlyCollection<string> tags, CancellationToken cancellationToken);

    /// <summary>A manifest of the repository by digest, or null.</summary>
    Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>The digest a tag points at, or null.</summary>
    Task<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>Deletes a manifest and every tag that points at it; false when it was not there.</summary>
    Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Deletes a tag (not the manifest); false when it was not there.</summary>
    Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>Tags in lexical (ordinal) order, after <paramref name="last"/> when given, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken cancellationToken);

    /// <summary>True when the repository has any blob link, manifest or tag.</summary>
    Task<bool> RepositoryExistsAsync(string repository, CancellationToken cancellationToken);

    /// <summary>Repository names in lexical order, after <paramref name="last"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken);

    /// <summary>Manifests of the repository whose subject is <paramref name="subject"/>, optionally of one artifact type.</summary>
    Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken cancellationToken);

    /// <summary>Records a new upload session.</summary>
    Task CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken);

    /// <summary>An upload session of the repository, or null (also when it belongs to another repository).</summary>
    Task<UploadRecord?> GetUploadAsync(string repository, string uploadId, CancellationToken cancellationToken);

    /// <summary>Marks an upload as used now, so that it does not expire.</summary>
    Task TouchUploadAsync(string uploadId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets an upload session; false when it was not there.</summary>
    Task<bool> DeleteUploadAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>Upload sessions last touched before <paramref name="cutoff"/>.</summary>
    Task<IReadOnlyList<UploadRecord>> ListUploadsTouchedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
