namespace Hyper.Registry.Configuration;

public sealed class ValidationOptions
{
    public ManifestValidationOptions Manifests { get; set; } = new();
}
