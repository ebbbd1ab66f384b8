namespace Hyper.Registry.Metadata;

/// <summary>
/// The SQLite metadata schema, as the ordered list of migrations that build it. This is the one
/// place the schema is written down: a new column or index is a new migration appended here, never
/// an edit to an applied one. The PostgreSQL store keeps the same tables, columns and indexes in
/// its own list, because the column types differ (and there text columns need <c>COLLATE "C"</c>).
/// </summary>
/// <remarks>
/// Choices both lists share:
/// <list type="bullet">
/// <item>Digests are stored as their string form (<c>sha256:…</c>), which is what every request carries.</item>
/// <item>Names (repositories, tags) compare with SQLite's default BINARY collation: byte order of
/// UTF-8, which is the ordinal (lexical) order the distribution spec's tag and catalog listings
/// promise. No column may use NOCASE: <c>Latest</c> and <c>latest</c> are two tags.</item>
/// <item>Times are INTEGER microseconds since the Unix epoch, UTC: sortable, exact, and the
/// precision PostgreSQL's timestamptz keeps, so both stores round-trip the same values.</item>
/// <item>Small rows keyed by a composite primary key (blob links, references, tags) are WITHOUT ROWID
/// tables: the primary key is the table, so a tag lookup reads one b-tree instead of two.</item>
/// <item>Tags and references belong to their manifest (foreign keys with ON DELETE CASCADE), so
/// deleting a manifest can never leave a tag pointing at nothing.</item>
/// <item>References are not foreign keys: a manifest may name blobs and child manifests the registry
/// checks elsewhere (or that garbage collection has yet to account for).</item>
/// </list>
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>Which migrations a database has had; created before anything else, and never migrated itself.</summary>
    public const string VersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied INTEGER NOT NULL
        );
        """;

    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(1, "repositories, blob links, manifests, manifest references, tags, uploads", """
            CREATE TABLE repositories (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            );

            CREATE TABLE blob_links (
                repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
                digest TEXT NOT NULL,
                size INTEGER NOT NULL,
                PRIMARY KEY (repository_id, digest)
            ) WITHOUT ROWID;

            CREATE TABLE manifests (
                repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
                digest TEXT NOT NULL,
                media_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                subject_digest TEXT NULL,
                artifact_type TEXT NULL,
                annotations TEXT NULL,
                created INTEGER NOT NULL,
                PRIMARY KEY (repository_id, digest)
            );

            -- The referrers API: manifests of a repository whose subject is a given digest, in digest
            -- order (with digest in the index the rows come out sorted, and the planner picks this index
            -- over the primary key). Most manifests have no subject: the index holds only those that do.
            CREATE INDEX manifests_by_subject ON manifests (repository_id, subject_digest, digest)
                WHERE subject_digest IS NOT NULL;

            CREATE TABLE manifest_references (
                repository_id INTEGER NOT NULL,
                manifest_digest TEXT NOT NULL,
                referenced_digest TEXT NOT NULL,
                PRIMARY KEY (repository_id, manifest_digest, referenced_digest),
                FOREIGN KEY (repository_id, manifest_digest)
                    REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
            ) WITHOUT ROWID;

            -- Garbage collection and "is this still referenced?" look references up by what they name.
            CREATE INDEX manifest_references_by_referenced
                ON manifest_references (repository_id, referenced_digest);

            -- The primary key (repository_id, name) is the index tag listing walks, in order.
            CREATE TABLE tags (
                repository_id INTEGER NOT NULL,
                name TEXT NOT NULL,
                manifest_digest TEXT NOT NULL,
                updated INTEGER NOT NULL,
                PRIMARY KEY (repository_id, name),
                FOREIGN KEY (repository_id, manifest_digest)
                    REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
            ) WITHOUT ROWID;

            -- Deleting a manifest finds its tags through this (the cascade would scan without it).
            CREATE INDEX tags_by_manifest ON tags (repository_id, manifest_digest);

            -- An upload names its repository but does not bring it into being: a repository exists
            -- through content, and an unfinished upload is none.
            CREATE TABLE uploads (
                id TEXT PRIMARY KEY,
                repository TEXT NOT NULL,
                started INTEGER NOT NULL,
                touched INTEGER NOT NULL,
                digest_algorithm TEXT NOT NULL
            );

            -- Purging finds expired uploads by when they were last used, oldest first.
            CREATE INDEX uploads_by_touched ON uploads (touched, id);
            """),
    ];
}
