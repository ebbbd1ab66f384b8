using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Registry.Api;

/// <summary>Serialization code for every API response body, generated at compile time (Native AOT).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(RepositoryList))]
[JsonSerializable(typeof(Hyper.Oci.EmptyObject))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
}
