namespace Hyper.Registry.Api;

/// <summary>One error of an <see cref="ErrorBody"/>.</summary>
internal sealed record ErrorEntry(string Code, string Message, IReadOnlyDictionary<string, string>? Detail);
