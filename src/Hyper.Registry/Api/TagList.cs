namespace Hyper.Registry.Api;

/// <summary>The body of <c>GET /v2/&lt;name&gt;/tags/list</c>.</summary>
internal sealed record TagList(string Name, IReadOnlyList<string> Tags);
