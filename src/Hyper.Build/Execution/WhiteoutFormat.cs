namespace Hyper.Build.Execution;

/// <summary>What <see cref="LayerUnpacker"/> does with a layer's whiteout entries (<c>.wh.&lt;name&gt;</c>, <c>.wh..wh..opq</c>).</summary>
public enum WhiteoutFormat
{
    /// <summary>Apply them: delete what lower layers put at the name, or everything an opaque directory had. For unpacking a stack of layers into one directory.</summary>
    Oci,

    /// <summary>
    /// Turn them into overlayfs's own markers: <c>.wh.&lt;name&gt;</c> becomes a 0/0 character device
    /// <c>&lt;name&gt;</c>, <c>.wh..wh..opq</c> the xattr <c>trusted.overlay.opaque=y</c> on its directory.
    /// For unpacking one layer into an empty directory used as an overlayfs lower directory.
    /// </summary>
    Overlay,
}
