using Hyper.Registry.Metadata;

using Microsoft.Data.Sqlite;

namespace Hyper.Registry.Tests.Metadata;

/// <summary>The shared specification run against SQLite, plus what only a database file can show.</summary>
public sealed class SqliteMetadataStoreTests : MetadataStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.Combine("metadata.db");

    protected override IMetadataStore CreateStore() => new SqliteMetadataStore(DatabasePath);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_schema_is_created_once_however_often_it_is_initialised()
    {
        await Store.InitializeAsync(Token);
        using (var second = new SqliteMetadataStore(DatabasePath))
        {
            await second.InitializeAsync(Token);
        }

        var versions = await QueryAsync(DatabasePath, "SELECT version FROM schema_version ORDER BY version;");
        Assert.NotEmpty(versions);
        Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (object)(long)v), versions);
    }

    [Fact]
    public async Task The_database_is_in_wal_mode()
    {
        Assert.Equal(["wal"], await QueryAsync(DatabasePath, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task No_name_column_compares_case_insensitively()
    {
        var schema = await QueryAsync(DatabasePath, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL;");

        Assert.NotEmpty(schema);
        Assert.DoesNotContain(schema, sql => ((string)sql!).Contains("NOCASE", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Reopening_the_file_keeps_the_data()
    {
        var manifest = Manifest("durable", references: [DigestOf("layer")]);
        await Store.PutManifestAsync("repo", manifest, ["v1"], Token);
        await Store.LinkBlobAsync("repo", DigestOf("layer"), 42, Token);
        ((IDisposable)Store).Dispose();

        using var reopened = new SqliteMetadataStore(DatabasePath);
        await reopened.InitializeAsync(Token);

        Assert.Equal(manifest.Digest, await reopened.ResolveTagAsync("repo", "v1", Token));
        AssertSameManifest(manifest, await reopened.GetManifestAsync("repo", manifest.Digest, Token));
        Assert.Equal(42, await reopened.GetBlobLinkAsync("repo", DigestOf("layer"), Token));
    }

    [Fact]
    public async Task Two_stores_on_one_file_see_each_others_writes()
    {
        // Each store opens connections of its own, as another process would.
        using var other = SqliteMetadataStore.FromConnectionString($"Data Source={DatabasePath}");
        await other.InitializeAsync(Token);
        var first = Manifest("from the first");
        var second = Manifest("from the second");

        await Store.PutManifestAsync("repo", first, ["latest"], Token);
        Assert.Equal(first.Digest, await other.ResolveTagAsync("repo", "latest", Token));

        await other.PutManifestAsync("repo", second, ["latest"], Token);
        Assert.Equal(second.Digest, await Store.ResolveTagAsync("repo", "latest", Token));

        Assert.True(await other.DeleteManifestAsync("repo", first.Digest, Token));
        Assert.Null(await Store.GetManifestAsync("repo", first.Digest, Token));
    }

    [Fact]
    public async Task Two_stores_initialising_a_new_file_at_once_both_succeed()
    {
        var path = _directory.Combine("race.db");
        using var one = new SqliteMetadataStore(path);
        using var two = new SqliteMetadataStore(path);

        await Task.WhenAll(Task.Run(() => one.InitializeAsync(Token)), Task.Run(() => two.InitializeAsync(Token)));

        await one.LinkBlobAsync("repo", DigestOf("layer"), 1, Token);
        Assert.Equal(1, await two.GetBlobLinkAsync("repo", DigestOf("layer"), Token));
        var versions = await QueryAsync(path, "SELECT version FROM schema_version ORDER BY version;");
        Assert.Equal(versions.Distinct(), versions);
    }

    [Fact]
    public async Task Disposing_closes_every_connection_even_after_failed_operations()
    {
        var path = _directory.Combine("closing.db");
        var store = new SqliteMetadataStore(path);
        await store.InitializeAsync(Token);
        var upload = new UploadRecord(Guid.NewGuid().ToString(), "repo", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "sha256");
        await store.CreateUploadAsync(upload, Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateUploadAsync(upload, Token));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => store.PutManifestAsync("repo", Manifest($"m{i}"), ["latest"], Token))));

        store.Dispose();

        // SQLite folds the write-ahead log into the database and deletes it when the last connection closes.
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public async Task Initialising_creates_the_directory_of_the_database()
    {
        var path = _directory.Combine("not", "there", "yet", "metadata.db");
        using var store = new SqliteMetadataStore(path);

        await store.InitializeAsync(Token);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task A_database_from_a_newer_hyperregistry_is_refused()
    {
        await QueryAsync(DatabasePath, "INSERT INTO schema_version (version, description, applied) VALUES (9999, 'from the future', 0);");
        using var store = new SqliteMetadataStore(DatabasePath);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(Token));

        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_in_memory_database_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SqliteMetadataStore(":memory:"));
        Assert.Throws<ArgumentException>(() => SqliteMetadataStore.FromConnectionString("Data Source=metadata;Mode=Memory"));
    }

    [Fact]
    public void A_read_only_database_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SqliteMetadataStore.FromConnectionString($"Data Source={DatabasePath};Mode=ReadOnly"));
    }

    [Fact]
    public async Task A_connection_string_asking_for_no_foreign_keys_still_gets_them()
    {
        // Deleting a manifest relies on the cascade to its tags.
        using var store = SqliteMetadataStore.FromConnectionString($"Data Source={DatabasePath};Foreign Keys=False");
        var manifest = Manifest("m");
        await store.PutManifestAsync("repo", manifest, ["v1"], Token);

        await store.DeleteManifestAsync("repo", manifest.Digest, Token);

        Assert.Null(await store.ResolveTagAsync("repo", "v1", Token));
        Assert.Empty(await QueryAsync(DatabasePath, "SELECT name FROM tags;"));
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, read through a connection of its own.</summary>
    private static async Task<List<object?>> QueryAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Token);
        var values = new List<object?>();
        while (await reader.ReadAsync(Token))
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        }

        return values;
    }
}
