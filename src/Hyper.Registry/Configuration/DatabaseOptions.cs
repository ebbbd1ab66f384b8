namespace Hyper.Registry.Configuration;

public sealed class DatabaseOptions
{
    /// <summary>
    /// Empty for the embedded SQLite database under the storage root; <c>postgres://…</c> for PostgreSQL
    /// (REGISTRY_DATABASE_URL).
    /// </summary>
    public string Url { get; set; } = string.Empty;
}
