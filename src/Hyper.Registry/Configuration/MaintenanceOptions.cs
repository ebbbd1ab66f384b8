namespace Hyper.Registry.Configuration;

public sealed class MaintenanceOptions
{
    public UploadPurgingOptions UploadPurging { get; set; } = new();
}
