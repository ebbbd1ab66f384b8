using System.Collections.Concurrent;

using Microsoft.Data.Sqlite;

namespace Hyper.Registry.Metadata;

/// <summary>
/// The open <see cref="SqliteSession"/>s of one store. An operation rents one, so no connection is
/// ever used by two threads at once; a rented session comes back when the operation ends, and up to
/// <see cref="MaxIdle"/> of them stay open for the next operations.
/// </summary>
internal sealed class SqliteSessionPool : IDisposable
{
    private readonly string _connectionString;
    private readonly string _connectionSettings;
    private readonly ConcurrentStack<SqliteSession> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    /// <param name="connectionString">Opens a connection; Microsoft.Data.Sqlite's own pooling should be off, since this pool keeps connections open.</param>
    /// <param name="connectionSettings">Statements run once on every new connection (per-connection pragmas).</param>
    public SqliteSessionPool(string connectionString, string connectionSettings)
    {
        _connectionString = connectionString;
        _connectionSettings = connectionSettings;
    }

    // Enough for every core to have a reader and a writer without opening connections in steady
    // state; a burst above it opens more, and closes them as they come back.
    public static int MaxIdle { get; } = Math.Max(4, Environment.ProcessorCount * 2);

    public SqliteSession Rent()
    {
        if (_idle.TryPop(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        return Open();
    }

    public void Return(SqliteSession session)
    {
        if (_disposed || !session.IsReusable)
        {
            session.Close();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            session.Close();
            return;
        }

        _idle.Push(session);
        if (_disposed)
        {
            // Dispose ran between the check above and the push: do its work for this session too.
            Dispose();
        }
    }

    /// <summary>Closes the idle sessions; sessions still rented close when they come back.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Close();
        }
    }

    private SqliteSession Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = _connectionSettings;
                command.ExecuteNonQuery();
            }

            return new SqliteSession(this, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
