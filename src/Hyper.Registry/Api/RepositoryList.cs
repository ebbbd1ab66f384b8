namespace Hyper.Registry.Api;

/// <summary>The body of <c>GET /v2/_catalog</c>.</summary>
internal sealed record RepositoryList(IReadOnlyList<string> Repositories);
