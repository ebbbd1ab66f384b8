namespace Hyper.Registry.Configuration;

/// <summary>
/// Everything hyperregistry can be told, in the shape of CNCF Distribution's config.yml where the two
/// overlap (<c>http.addr</c>, <c>storage.filesystem.rootdirectory</c>, <c>storage.delete.enabled</c>,
/// <c>log.level</c>, <c>storage.maintenance.uploadpurging</c>), so an existing file keeps working.
/// YAML keys are the property names in lower case.
/// </summary>
public sealed class RegistryOptions
{
    public string Version { get; set; } = "0.1";

    public LogOptions Log { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    public DatabaseOptions Database { get; set; } = new();

    public RedisOptions Redis { get; set; } = new();

    public ValidationOptions Validation { get; set; } = new();
}
