namespace Hyper.Registry.Core;

/// <summary>Builds the <c>detail</c> object of an OCI error body: string members only, so it serializes without reflection.</summary>
public static class ErrorDetail
{
    public static IReadOnlyDictionary<string, string> Of(string key, string value) =>
        new Dictionary<string, string>(1) { [key] = value };
}
