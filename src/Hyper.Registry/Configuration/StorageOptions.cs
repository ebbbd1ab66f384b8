namespace Hyper.Registry.Configuration;

public sealed class StorageOptions
{
    public FilesystemStorageOptions Filesystem { get; set; } = new();

    public DeleteOptions Delete { get; set; } = new();

    public MaintenanceOptions Maintenance { get; set; } = new();
}
