using System.Data;

using Microsoft.Data.Sqlite;

namespace Hyper.Registry.Metadata;

/// <summary>
/// An open connection to the metadata database with the statements it has prepared, used by one
/// operation at a time and then handed back to its <see cref="SqliteSessionPool"/> by
/// <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite keeps a prepared statement only as long as the <see cref="SqliteCommand"/>
/// that prepared it, and closing a connection (even into its own pool) disposes every command; so
/// opening a pooled connection per operation would parse and plan each statement every time. Keeping
/// the commands with the open connection makes a repeated query a bind and a step.
/// </remarks>
internal sealed class SqliteSession : IDisposable
{
    private readonly SqliteSessionPool _pool;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    public SqliteSession(SqliteSessionPool pool, SqliteConnection connection)
    {
        _pool = pool;
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>True when the session can serve another operation: open, with no transaction left running.</summary>
    public bool IsReusable => Connection.State == ConnectionState.Open && !InTransaction;

    // A completed (committed, rolled back or disposed) transaction lets go of its connection.
    private bool InTransaction => _transaction?.Connection is not null;

    /// <summary>
    /// The command for <paramref name="sql"/>, prepared on first use and kept: the caller adds the
    /// parameters and executes it, and must not dispose it. Pass only the store's constant statements
    /// (values go in parameters): every distinct text stays prepared for the life of the connection.
    /// </summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        command.Transaction = InTransaction ? _transaction : null;
        return command;
    }

    /// <summary>Runs statements that are not worth keeping prepared (the schema, settings).</summary>
    public async Task<object?> ExecuteOnceAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = InTransaction ? _transaction : null;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Begins a write transaction with <c>BEGIN IMMEDIATE</c>: it takes the write lock before reading
    /// anything, so two writers queue on the busy timeout instead of both reading under a shared lock
    /// and then failing with SQLITE_BUSY when each tries to upgrade. Disposing it uncommitted rolls back.
    /// </summary>
    public SqliteTransaction BeginWrite()
    {
        _transaction = Connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        return _transaction;
    }

    /// <summary>Hands the session back to its pool.</summary>
    public void Dispose() => _pool.Return(this);

    /// <summary>Finalises the prepared statements and closes the connection.</summary>
    public void Close()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
