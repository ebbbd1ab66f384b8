using System.Text.Json.Serialization;

namespace Hyper.Build.Cache;

/// <summary>JSON of cache records and cache exports, generated at compile time (no reflection, AOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(CacheRecord))]
[JsonSerializable(typeof(List<CacheRecord>))]
[JsonSerializable(typeof(Dictionary<string, FileDigestEntry>))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
