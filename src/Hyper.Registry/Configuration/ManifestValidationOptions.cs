namespace Hyper.Registry.Configuration;

public sealed class ManifestValidationOptions
{
    /// <summary>Largest manifest accepted, in bytes; 4 MiB as the distribution-spec suggests.</summary>
    public long MaxSize { get; set; } = 4 * 1024 * 1024;
}
