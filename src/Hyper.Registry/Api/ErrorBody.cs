namespace Hyper.Registry.Api;

/// <summary>The spec's error body: <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
internal sealed record ErrorBody(IReadOnlyList<ErrorEntry> Errors);
