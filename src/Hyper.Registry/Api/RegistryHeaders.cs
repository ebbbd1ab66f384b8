namespace Hyper.Registry.Api;

/// <summary>Header names of the distribution-spec and of Docker's registry API.</summary>
public static class RegistryHeaders
{
    public const string ApiVersion = "Docker-Distribution-API-Version";
    public const string ApiVersionValue = "registry/2.0";
    public const string ContentDigest = "Docker-Content-Digest";
    public const string UploadUuid = "Docker-Upload-UUID";
    public const string Subject = "OCI-Subject";
    public const string FiltersApplied = "OCI-Filters-Applied";
    public const string Tag = "OCI-Tag";
    public const string ChunkMinLength = "OCI-Chunk-Min-Length";
}
