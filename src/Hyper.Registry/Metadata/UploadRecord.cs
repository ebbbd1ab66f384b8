namespace Hyper.Registry.Metadata;

/// <summary>
/// An upload session: which repository it pushes to, and when it was started and last used. Stores keep
/// the times to the microsecond and return them in UTC.
/// </summary>
/// <param name="Id">The session id in the upload URL (a GUID; never a path).</param>
/// <param name="Repository">The repository the session belongs to.</param>
/// <param name="Started">When the session was created.</param>
/// <param name="Touched">When a request last used it; sessions untouched for long expire.</param>
/// <param name="DigestAlgorithm">The algorithm the client asked for (<c>?digest-algorithm=</c>), sha256 by default.</param>
public sealed record UploadRecord(string Id, string Repository, DateTimeOffset Started, DateTimeOffset Touched, string DigestAlgorithm);
