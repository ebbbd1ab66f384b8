using Hyper.Registry.Configuration;

namespace Hyper.Registry.Core;

/// <summary>Deletes are refused unless the operator enabled them, as in Distribution (storage.delete.enabled).</summary>
internal static class DeletePolicy
{
    public static void EnsureEnabled(RegistryOptions options)
    {
        if (!options.Storage.Delete.Enabled)
        {
            throw new RegistryException(
                RegistryErrorCode.Unsupported,
                "deletes are disabled on this registry; set storage.delete.enabled: true (REGISTRY_STORAGE_DELETE_ENABLED=true) to allow them");
        }
    }
}
