using Hyper.Oci;

namespace Hyper.Registry.Metadata;

public sealed partial class SqliteMetadataStore
{
    private const string UpsertTagSql = """
        INSERT INTO tags (repository_id, name, manifest_digest, updated)
        VALUES ($repository_id, $tag, $digest, $updated)
        ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = excluded.manifest_digest, updated = excluded.updated;
        """;

    private const string ResolveTagSql = """
        SELECT t.manifest_digest FROM tags t JOIN repositories r ON r.id = t.repository_id
        WHERE r.name = $repository AND t.name = $tag;
        """;

    private const string DeleteTagSql = """
        DELETE FROM tags
        WHERE repository_id = (SELECT id FROM repositories WHERE name = $repository) AND name = $tag;
        """;

    // Every tag is greater than '', so "no last" is last = '' and the query stays one range scan of
    // the tags primary key (repository_id, name), which yields the names already in order.
    private const string ListTagsSql = """
        SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id
        WHERE r.name = $repository AND t.name > $last
        ORDER BY t.name
        LIMIT $limit;
        """;

    public async Task<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(ResolveTagSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$tag", tag);
        var digest = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return digest is null ? null : Digest.Parse(digest);
    }

    public async Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(DeleteTagSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$tag", tag);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ValidateLimit(limit);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(ListTagsSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$last", last ?? string.Empty);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadStringsAsync(command, limit, cancellationToken).ConfigureAwait(false);
    }
}
