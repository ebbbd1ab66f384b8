using System.Text.Json.Serialization;

namespace Hyper.Registry.Metadata;

/// <summary>
/// JSON for the metadata stores' annotations column, generated at compile time: the referrers API
/// reads annotations on hot paths, and reflection-based serialisation would pay for discovery there.
/// </summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
