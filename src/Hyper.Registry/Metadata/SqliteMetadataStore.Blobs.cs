using Hyper.Oci;

namespace Hyper.Registry.Metadata;

public sealed partial class SqliteMetadataStore
{
    // A digest names its content, so a second link of the same digest carries the same size.
    private const string InsertBlobLinkSql = """
        INSERT INTO blob_links (repository_id, digest, size) VALUES ($repository_id, $digest, $size)
        ON CONFLICT (repository_id, digest) DO NOTHING;
        """;

    private const string SelectBlobLinkSql = """
        SELECT b.size FROM blob_links b JOIN repositories r ON r.id = b.repository_id
        WHERE r.name = $repository AND b.digest = $digest;
        """;

    private const string DeleteBlobLinkSql = """
        DELETE FROM blob_links
        WHERE repository_id = (SELECT id FROM repositories WHERE name = $repository) AND digest = $digest;
        """;

    public async Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ValidateDigest(digest, nameof(digest));
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        using var transaction = session.BeginWrite();
        var repositoryId = await EnsureRepositoryAsync(session, repository, cancellationToken).ConfigureAwait(false);
        var command = session.Command(InsertBlobLinkSql);
        command.Parameters.AddWithValue("$repository_id", repositoryId);
        command.Parameters.AddWithValue("$digest", digest.ToString());
        command.Parameters.AddWithValue("$size", size);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long?> GetBlobLinkAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ValidateDigest(digest, nameof(digest));
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(SelectBlobLinkSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$digest", digest.ToString());
        return (long?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ValidateDigest(digest, nameof(digest));
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(DeleteBlobLinkSql);
        command.Parameters.AddWithValue("$repository", repository);
        command.Parameters.AddWithValue("$digest", digest.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}
