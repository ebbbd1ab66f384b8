using System.Text.Json.Serialization;

using Hyper.Distribution.Registry.Auth;

namespace Hyper.Distribution.Registry;

/// <summary>Generated JSON code for what registries and token servers answer: no reflection, so AOT works.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext
{
}
