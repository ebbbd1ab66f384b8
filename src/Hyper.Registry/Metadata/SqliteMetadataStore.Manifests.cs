using System.Text.Json;

using Hyper.Oci;

using Microsoft.Data.Sqlite;

namespace Hyper.Registry.Metadata;

public sealed partial class SqliteMetadataStore
{
    // A digest names the bytes, so a manifest that is already there is the same manifest: keep its row
    // (and its created time) as it is.
    private const string InsertManifestSql = """
        INSERT INTO manifests (repository_id, digest, media_type, size, subject_digest, artifact_type, annotations, created)
        VALUES ($repository_id, $digest, $media_type, $size, $subject_digest, $artifact_type, $annotations, $created)
        ON CONFLICT (repository_id, digest) DO NOTHING;
        """;

    private const string DeleteReferencesSql = """
        DELETE FROM manifest_references WHERE repository_id = $repository_id AND manifest_digest = $digest;
        """;

    private const string InsertReferenceSql = """
        INSERT INTO manifest_references (repository_id, manifest_digest, referenced_digest)
        VALUES ($repository_id, $digest, $referenced_digest)
        ON CONFLICT (repository_id, manifest_digest, referenced_digest) DO NOTHING;
        """;

    // The references come along in the same row, space-separated (digests hold no spaces): one
    // statement per manifest read instead of two.
    private const string ManifestColumns = """
        m.digest, m.media_type, m.size, m.subject_digest, m.artifact_type, m.annotations,
        (SELECT group_concat(x.referenced_digest, ' ') FROM manifest_references x
         WHERE x.repository_id = m.repository_id AND x.manifest_digest = m.digest)
        """;

    private const string SelectManifestSql = $"""
        SELECT {ManifestColumns}
        FROM manifests m JOIN repositories r ON r.id = m.repository_id
        WHERE r.name = $repository AND m.digest = $digest;
        """;

    // Tags and references go with the manifest through their ON DELETE CASCADE foreign keys.
    private const string DeleteManifestSql = """
        DELETE FROM manifests
        WHERE repository_id = (SELECT id FROM repositories WHERE name = $repository) AND digest = $digest;
        """;

    private const string SelectReferrersSql = $"""
        SELECT {ManifestColumns}
        FROM manifests m JOIN repositories r ON r.id = m.repository_id
        WHERE r.name = $repository AND m.subject_digest = $subject
          AND ($artifact_type IS NULL OR m.artifact_type = $artifact_type COLLATE NOCASE)
        ORDER BY m.digest;
        """;

    public async Task PutManifestAsync(
        string repository, ManifestRecord manifest, IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(tags);
        ValidateDigest(manifest.Digest, nameof(manifest));
        ArgumentException.ThrowIfNullOrEmpty(manifest.MediaType, nameof(manifest));
        ArgumentNullException.ThrowIfNull(manifest.References, nameof(manifest));
        foreach (var reference in manifest.References)
        {
            ValidateDigest(reference, nameof(manifest));
        }

        foreach (var tag in tags)
        {
            ArgumentException.ThrowIfNullOrEmpty(tag, nameof(tags));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = ToMicroseconds(_timeProvider.GetUtcNow());
        var digest = manifest.Digest.ToString();

        using var session = _sessions.Rent();
        using var transaction = session.BeginWrite();
        var repositoryId = await EnsureRepositoryAsync(session, repository, cancellationToken).ConfigureAwait(false);

        var insertManifest = session.Command(InsertManifestSql);
        insertManifest.Parameters.AddWithValue("$repository_id", repositoryId);
        insertManifest.Parameters.AddWithValue("$digest", digest);
        insertManifest.Parameters.AddWithValue("$media_type", manifest.MediaType);
        insertManifest.Parameters.AddWithValue("$size", manifest.Size);
        insertManifest.Parameters.AddWithValue("$subject_digest", (object?)manifest.Subject?.ToString() ?? DBNull.Value);
        insertManifest.Parameters.AddWithValue("$artifact_type", (object?)manifest.ArtifactType ?? DBNull.Value);
        insertManifest.Parameters.AddWithValue("$annotations", (object?)SerializeAnnotations(manifest.Annotations) ?? DBNull.Value);
        insertManifest.Parameters.AddWithValue("$created", now);
        await insertManifest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        // Replaced rather than only added, so the stored references are exactly this record's even if an
        // earlier put of the same manifest computed them differently.
        var deleteReferences = session.Command(DeleteReferencesSql);
        deleteReferences.Parameters.AddWithValue("$repository_id", repositoryId);
        deleteReferences.Parameters.AddWithValue("$digest", digest);
        await deleteReferences.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        if (manifest.References.Count > 0)
        {
            // One command re-executed with new values: the statement is prepared once.
            var insertReference = session.Command(InsertReferenceSql);
            insertReference.Parameters.AddWithValue("$repository_id", repositoryId);
            insertReference.Parameters.AddWithValue("$digest", digest);
            var referenced = insertReference.Parameters.Add("$referenced_digest", SqliteType.Text);
            foreach (var reference in manifest.References)
            {
                referenced.Value = reference.ToString();
                await insertReference.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (tags.Count > 0)
        {
            var upsert = session.Command(UpsertTagSql);
            upsert.Parameters.AddWithValue("$repository_id", repositoryId);
            upsert.Parameters.AddWithValue("$digest", digest);
            upsert.Parameters.AddWithValue("$updated", now);
            var name = upsert.Parameters.Add("$tag", SqliteType.Text);
            foreach (var tag in tags)
            {
                name.Value = tag;
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ValidateDigest(digest, nameof(digest));
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(SelectManifestSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$digest", digest.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadManifest(reader) : null;
    }

    public async Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ValidateDigest(digest, nameof(digest));
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(DeleteManifestSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$digest", digest.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(
        string repository, Digest subject, string? artifactType, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ValidateDigest(subject, nameof(subject));
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(SelectReferrersSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$subject", subject.ToString());
        command.Parameters.AddWithValue("$artifact_type", (object?)artifactType ?? DBNull.Value);

        var referrers = new List<ManifestRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            referrers.Add(ReadManifest(reader));
        }

        return referrers;
    }

    /// <summary>A manifest from a row of <see cref="ManifestColumns"/>.</summary>
    private static ManifestRecord ReadManifest(SqliteDataReader reader) => new(
        Digest.Parse(reader.GetString(0)),
        reader.GetString(1),
        reader.GetInt64(2),
        reader.IsDBNull(3) ? null : Digest.Parse(reader.GetString(3)),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : DeserializeAnnotations(reader.GetString(5)),
        reader.IsDBNull(6) ? [] : ParseReferences(reader.GetString(6)));

    private static string? SerializeAnnotations(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null ? null : JsonSerializer.Serialize(annotations, MetadataJsonContext.Default.IReadOnlyDictionaryStringString);

    private static Dictionary<string, string> DeserializeAnnotations(string json) =>
        JsonSerializer.Deserialize(json, MetadataJsonContext.Default.DictionaryStringString)
            ?? throw new InvalidDataException($"the annotations column holds '{json}', which is not a JSON object");

    // References are a set: sorted by digest so that every read of the same manifest gives the same list.
    private static Digest[] ParseReferences(string concatenated)
    {
        var texts = concatenated.Split(' ');
        Array.Sort(texts, StringComparer.Ordinal);
        var references = new Digest[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            references[i] = Digest.Parse(texts[i]);
        }

        return references;
    }
}
