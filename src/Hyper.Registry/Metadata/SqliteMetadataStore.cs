using Hyper.Oci;

using Microsoft.Data.Sqlite;

namespace Hyper.Registry.Metadata;

/// <summary>
/// The embedded metadata store: one SQLite database file in WAL mode, so readers never wait for the
/// writer and the writer never waits for readers. Several stores, even several processes, may share
/// one file. The schema lives in <see cref="SqliteSchema"/>.
/// </summary>
/// <remarks>
/// <para>Every operation rents an open connection of its own from <see cref="SqliteSessionPool"/>, with
/// the statements that connection has already prepared, and hands it back when done: no connection
/// is used by two threads at once (a SQLite connection is not built for that), and a repeated query
/// is only bound and stepped, not parsed and planned again.</para>
/// <para>Microsoft.Data.Sqlite's async methods run synchronously (SQLite has no asynchronous I/O), so
/// the awaits below complete at once; they are kept so that a cancelled token is honoured at each step.</para>
/// <para>Writes that touch several rows run in <c>BEGIN IMMEDIATE</c> transactions
/// (<see cref="SqliteSession.BeginWrite"/>); a single-statement write takes the write lock when the
/// statement starts, which comes to the same.</para>
/// <para>Repository rows are never deleted: a repository whose last manifest and blob link are gone keeps
/// its row (and id) but is no longer listed or reported as existing. That keeps deletes to one statement
/// and spares a race between deleting an "empty" repository and a push into it.</para>
/// </remarks>
public sealed partial class SqliteMetadataStore : IMetadataStore, IDisposable
{
    // How long a write waits for another connection's write transaction before failing with SQLITE_BUSY.
    private const int BusyTimeoutMilliseconds = 5_000;

    // Settings that belong to a connection rather than to the file, run on each new connection.
    // synchronous=NORMAL in WAL mode syncs the WAL at checkpoints rather than at every commit. A crash of
    // the process loses nothing (committed pages are in the OS page cache), and no failure corrupts the
    // database; only a power cut or kernel crash can forget the last commits before it. For a registry
    // that is durable enough, and it spares an fsync per push: what such a cut forgets is the metadata
    // of the last pushes, which pushing again restores.
    private static readonly string ConnectionSettings = $"""
        PRAGMA busy_timeout = {BusyTimeoutMilliseconds};
        PRAGMA synchronous = NORMAL;
        PRAGMA foreign_keys = ON;
        """;

    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    private readonly SqliteSessionPool _sessions;
    private readonly TimeProvider _timeProvider;

    /// <summary>A store in the SQLite database file at <paramref name="databasePath"/> (created by <see cref="InitializeAsync"/>).</summary>
    public SqliteMetadataStore(string databasePath, TimeProvider? timeProvider = null)
        : this(ConnectionStringForPath(databasePath), timeProvider)
    {
    }

    private SqliteMetadataStore(SqliteConnectionStringBuilder connectionString, TimeProvider? timeProvider)
    {
        if (connectionString.Mode == SqliteOpenMode.Memory
            || string.IsNullOrWhiteSpace(connectionString.DataSource)
            || connectionString.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                "the SQLite metadata store needs a database file: it opens several connections, and an in-memory "
                + "database is private to one connection",
                nameof(connectionString));
        }

        if (connectionString.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException("the SQLite metadata store writes to its database: remove 'Mode=ReadOnly'", nameof(connectionString));
        }

        // The session pool keeps connections open itself; Microsoft.Data.Sqlite's pool would only keep
        // closed ones open behind it. Foreign keys are switched on by ConnectionSettings; the keyword
        // would make Microsoft.Data.Sqlite run the pragma again at every open, or switch them off.
        connectionString.Pooling = false;
        connectionString.ForeignKeys = null;
        DatabasePath = connectionString.DataSource;
        _sessions = new SqliteSessionPool(connectionString.ToString(), ConnectionSettings);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The database file (or <c>file:</c> URI) this store keeps its data in.</summary>
    public string DatabasePath { get; }

    /// <summary>A store for a Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=/var/lib/registry/metadata.db</c>.</summary>
    public static SqliteMetadataStore FromConnectionString(string connectionString, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new SqliteMetadataStore(new SqliteConnectionStringBuilder(connectionString), timeProvider);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CreateDatabaseDirectory();
        using var session = _sessions.Rent();

        // WAL is a property of the file: once set it stays, for every connection and process. It cannot
        // be switched inside a transaction, hence before the migration transaction.
        var mode = (string?)await session.ExecuteOnceAsync("PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"the metadata database '{DatabasePath}' could not be switched to WAL mode (it is in '{mode}' mode); "
                + "WAL needs a local filesystem with shared memory: put the database on a local disk");
        }

        // IMMEDIATE: a second process initialising the same file waits here, then finds the schema current.
        using var transaction = session.BeginWrite();
        await session.ExecuteOnceAsync(SqliteSchema.VersionTable, cancellationToken).ConfigureAwait(false);
        var current = (long)(await session.ExecuteOnceAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken).ConfigureAwait(false))!;
        var latest = SqliteSchema.Migrations[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"the metadata database '{DatabasePath}' has schema version {current}, newer than the {latest} this "
                + "hyperregistry knows: run a hyperregistry at least as new as the one that last wrote it");
        }

        foreach (var migration in SqliteSchema.Migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            await session.ExecuteOnceAsync(migration.Sql, cancellationToken).ConfigureAwait(false);
            var record = session.Command("INSERT INTO schema_version (version, description, applied) VALUES ($version, $description, $applied);");
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$description", migration.Description);
            record.Parameters.AddWithValue("$applied", ToMicroseconds(_timeProvider.GetUtcNow()));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the open connections to the database file, so that it can be moved or deleted.</summary>
    public void Dispose() => _sessions.Dispose();

    private static SqliteConnectionStringBuilder ConnectionStringForPath(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return new SqliteConnectionStringBuilder { DataSource = databasePath };
    }

    private void CreateDatabaseDirectory()
    {
        if (DatabasePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    private static void ValidateRepository(string repository) => ArgumentException.ThrowIfNullOrEmpty(repository);

    private static void ValidateDigest(Digest digest, string parameterName)
    {
        if (digest.IsEmpty)
        {
            throw new ArgumentException("an empty digest names no content", parameterName);
        }
    }

    private static void ValidateLimit(int limit)
    {
        // SQLite reads a negative LIMIT as "no limit"; a caller asking for that has a bug.
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
    }

    private static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - UnixEpochTicks) / TimeSpan.TicksPerMicrosecond;

    private static DateTimeOffset FromMicroseconds(long microseconds) =>
        new(UnixEpochTicks + (microseconds * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
