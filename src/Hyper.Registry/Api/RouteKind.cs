namespace Hyper.Registry.Api;

/// <summary>The endpoints of the distribution-spec, as told apart by URL shape.</summary>
public enum RouteKind
{
    /// <summary><c>/v2/</c></summary>
    Base,

    /// <summary><c>/v2/_catalog</c></summary>
    Catalog,

    /// <summary><c>/v2/&lt;name&gt;/tags/list</c></summary>
    Tags,

    /// <summary><c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c></summary>
    Manifest,

    /// <summary><c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c></summary>
    Blob,

    /// <summary><c>/v2/&lt;name&gt;/blobs/uploads/</c></summary>
    UploadStart,

    /// <summary><c>/v2/&lt;name&gt;/blobs/uploads/&lt;id&gt;</c></summary>
    Upload,

    /// <summary><c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c></summary>
    Referrers,
}
