using Microsoft.Data.Sqlite;

namespace Hyper.Registry.Metadata;

public sealed partial class SqliteMetadataStore
{
    private const string InsertRepositorySql = "INSERT INTO repositories (name) VALUES ($repository) ON CONFLICT (name) DO NOTHING;";

    private const string SelectRepositoryIdSql = "SELECT id FROM repositories WHERE name = $repository;";

    // A repository is there while it has content. Tags need not be looked at: every tag points at a
    // manifest of its repository (a foreign key), so a repository with a tag has a manifest.
    private const string HasContentSql = """
        (EXISTS (SELECT 1 FROM manifests m WHERE m.repository_id = r.id)
         OR EXISTS (SELECT 1 FROM blob_links b WHERE b.repository_id = r.id))
        """;

    private const string RepositoryExistsSql = $"SELECT EXISTS (SELECT 1 FROM repositories r WHERE r.name = $repository AND {HasContentSql});";

    // Every name is greater than '', so "no last" is last = '' and the query stays one range scan of the name index.
    private const string ListRepositoriesSql = $"""
        SELECT r.name FROM repositories r
        WHERE r.name > $last AND {HasContentSql}
        ORDER BY r.name
        LIMIT $limit;
        """;

    public async Task<bool> RepositoryExistsAsync(string repository, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(RepositoryExistsSql);
        command.Parameters.AddWithValue("$repository", repository);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! != 0;
    }

    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken)
    {
        ValidateLimit(limit);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(ListRepositoriesSql);
        command.Parameters.AddWithValue("$last", last ?? string.Empty);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadStringsAsync(command, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The id of <paramref name="repository"/>, creating its row first when needed; call inside a write transaction.</summary>
    private static async Task<long> EnsureRepositoryAsync(SqliteSession session, string repository, CancellationToken cancellationToken)
    {
        var insert = session.Command(InsertRepositorySql);
        insert.Parameters.AddWithValue("$repository", repository);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        var select = session.Command(SelectRepositoryIdSql);
        select.Parameters.AddWithValue("$repository", repository);
        return (long)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<IReadOnlyList<string>> ReadStringsAsync(SqliteCommand command, int limit, CancellationToken cancellationToken)
    {
        var values = new List<string>(Math.Min(limit, 1_000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
