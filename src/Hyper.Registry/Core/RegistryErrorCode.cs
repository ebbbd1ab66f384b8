using System.Net;

namespace Hyper.Registry.Core;

/// <summary>
/// An error code of the distribution-spec ("Error Codes") with the HTTP status it is answered with.
/// Statuses follow the spec's endpoint table, and CNCF Distribution where the spec leaves a choice.
/// </summary>
public sealed record RegistryErrorCode(string Code, HttpStatusCode Status, string Description)
{
    public static readonly RegistryErrorCode BlobUnknown = new("BLOB_UNKNOWN", HttpStatusCode.NotFound, "blob unknown to registry");
    public static readonly RegistryErrorCode BlobUploadInvalid = new("BLOB_UPLOAD_INVALID", HttpStatusCode.BadRequest, "blob upload invalid");
    public static readonly RegistryErrorCode BlobUploadUnknown = new("BLOB_UPLOAD_UNKNOWN", HttpStatusCode.NotFound, "blob upload unknown to registry");
    public static readonly RegistryErrorCode DigestInvalid = new("DIGEST_INVALID", HttpStatusCode.BadRequest, "provided digest did not match uploaded content");
    public static readonly RegistryErrorCode ManifestBlobUnknown = new("MANIFEST_BLOB_UNKNOWN", HttpStatusCode.BadRequest, "manifest references a manifest or blob unknown to registry");
    public static readonly RegistryErrorCode ManifestInvalid = new("MANIFEST_INVALID", HttpStatusCode.BadRequest, "manifest invalid");
    public static readonly RegistryErrorCode ManifestUnknown = new("MANIFEST_UNKNOWN", HttpStatusCode.NotFound, "manifest unknown to registry");
    public static readonly RegistryErrorCode NameInvalid = new("NAME_INVALID", HttpStatusCode.BadRequest, "invalid repository name");
    public static readonly RegistryErrorCode NameUnknown = new("NAME_UNKNOWN", HttpStatusCode.NotFound, "repository name not known to registry");
    public static readonly RegistryErrorCode SizeInvalid = new("SIZE_INVALID", HttpStatusCode.BadRequest, "provided length did not match content length");
    public static readonly RegistryErrorCode Unauthorized = new("UNAUTHORIZED", HttpStatusCode.Unauthorized, "authentication required");
    public static readonly RegistryErrorCode Denied = new("DENIED", HttpStatusCode.Forbidden, "requested access to the resource is denied");
    public static readonly RegistryErrorCode Unsupported = new("UNSUPPORTED", HttpStatusCode.MethodNotAllowed, "the operation is unsupported");
    public static readonly RegistryErrorCode TooManyRequests = new("TOOMANYREQUESTS", HttpStatusCode.TooManyRequests, "too many requests");

    /// <summary>Not in the spec's table: Distribution's code for a failure of the registry itself.</summary>
    public static readonly RegistryErrorCode Unknown = new("UNKNOWN", HttpStatusCode.InternalServerError, "unknown error");
    public static readonly RegistryErrorCode TagInvalid = new("TAG_INVALID", HttpStatusCode.BadRequest, "manifest tag did not match URI");

    /// <summary>The same code answered with another status, where an endpoint calls for one (e.g. 416, 413).</summary>
    public RegistryErrorCode WithStatus(HttpStatusCode status) => this with { Status = status };
}
