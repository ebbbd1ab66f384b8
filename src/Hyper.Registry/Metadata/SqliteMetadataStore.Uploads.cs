using Microsoft.Data.Sqlite;

namespace Hyper.Registry.Metadata;

public sealed partial class SqliteMetadataStore
{
    private const string InsertUploadSql = """
        INSERT INTO uploads (id, repository, started, touched, digest_algorithm)
        VALUES ($id, $repository, $started, $touched, $digest_algorithm)
        ON CONFLICT (id) DO NOTHING;
        """;

    private const string UploadColumns = "id, repository, started, touched, digest_algorithm";

    private const string SelectUploadSql = $"SELECT {UploadColumns} FROM uploads WHERE id = $id AND repository = $repository;";

    private const string TouchUploadSql = "UPDATE uploads SET touched = $touched WHERE id = $id;";

    private const string DeleteUploadSql = "DELETE FROM uploads WHERE id = $id;";

    private const string SelectUploadsTouchedBeforeSql = $"SELECT {UploadColumns} FROM uploads WHERE touched < $cutoff ORDER BY touched, id;";

    public async Task CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentException.ThrowIfNullOrEmpty(upload.Id, nameof(upload));
        ArgumentException.ThrowIfNullOrEmpty(upload.Repository, nameof(upload));
        ArgumentException.ThrowIfNullOrEmpty(upload.DigestAlgorithm, nameof(upload));
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(InsertUploadSql);
        command.Parameters.AddWithValue("$id", upload.Id);
        command.Parameters.AddWithValue("$repository", upload.Repository);
        command.Parameters.AddWithValue("$started", ToMicroseconds(upload.Started));
        command.Parameters.AddWithValue("$touched", ToMicroseconds(upload.Touched));
        command.Parameters.AddWithValue("$digest_algorithm", upload.DigestAlgorithm);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            // Ids are fresh GUIDs: a second session under one id is a bug in the caller, not a retry.
            throw new InvalidOperationException($"an upload session with id '{upload.Id}' already exists");
        }
    }

    public async Task<UploadRecord?> GetUploadAsync(string repository, string uploadId, CancellationToken cancellationToken)
    {
        ValidateRepository(repository);
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(SelectUploadSql);
        command.Parameters.AddWithValue("$id", uploadId);
        command.Parameters.AddWithValue("$repository", repository);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadUpload(reader) : null;
    }

    public async Task TouchUploadAsync(string uploadId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(TouchUploadSql);
        command.Parameters.AddWithValue("$id", uploadId);
        command.Parameters.AddWithValue("$touched", ToMicroseconds(now));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteUploadAsync(string uploadId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(DeleteUploadSql);
        command.Parameters.AddWithValue("$id", uploadId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<UploadRecord>> ListUploadsTouchedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        using var session = _sessions.Rent();
        var command = session.Command(SelectUploadsTouchedBeforeSql);
        command.Parameters.AddWithValue("$cutoff", ToMicroseconds(cutoff));

        var uploads = new List<UploadRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            uploads.Add(ReadUpload(reader));
        }

        return uploads;
    }

    /// <summary>An upload from a row of <see cref="UploadColumns"/>.</summary>
    private static UploadRecord ReadUpload(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        FromMicroseconds(reader.GetInt64(2)),
        FromMicroseconds(reader.GetInt64(3)),
        reader.GetString(4));
}
