namespace Hyper.Registry.Configuration;

public sealed class FilesystemStorageOptions
{
    /// <summary>Where blobs, uploads and (by default) the SQLite database live.</summary>
    public string RootDirectory { get; set; } = "./data";
}
