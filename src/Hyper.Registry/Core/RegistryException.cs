namespace Hyper.Registry.Core;

/// <summary>
/// A request broke a rule of the spec. The API answers it as <c>{"errors":[{"code","message","detail"}]}</c>
/// with the code's status; the message says what was wrong and, where it helps, what to do.
/// </summary>
public sealed class RegistryException(RegistryErrorCode error, string message, IReadOnlyDictionary<string, string>? detail = null)
    : Exception(message)
{
    public RegistryErrorCode Error { get; } = error;

    /// <summary>Extra structured information for the client, serialized as the error's <c>detail</c>.</summary>
    public IReadOnlyDictionary<string, string>? Detail { get; } = detail;

    /// <summary>Headers the answer must carry, e.g. <c>Range</c> on a 416.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
