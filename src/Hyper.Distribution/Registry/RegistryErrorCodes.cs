namespace Hyper.Distribution.Registry;

/// <summary>The error codes of the distribution-spec that callers act on.</summary>
public static class RegistryErrorCodes
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string BlobUploadUnknown = "BLOB_UPLOAD_UNKNOWN";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Denied = "DENIED";
    public const string TooManyRequests = "TOOMANYREQUESTS";

    /// <summary>Not a spec code: the client refused what it was sent (too large, wrong digest).</summary>
    public const string InvalidResponse = "INVALID_RESPONSE";

    /// <summary>Not a spec code: the registry could not be reached at all.</summary>
    public const string Unreachable = "UNREACHABLE";

    /// <summary>Not a spec code: the registry stopped answering (nothing moved for <see cref="RegistryClientOptions.ReadTimeout"/>).</summary>
    public const string Timeout = "TIMEOUT";
}
