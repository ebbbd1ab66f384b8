using System.Text.Json.Serialization;

using Hyper.Oci.Layout;

namespace Hyper.Oci;

/// <summary>
/// Serialization code generated at compile time for every OCI document type: no reflection at run
/// time, so the executables can be compiled ahead of time (Native AOT) and start small.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(Digest))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(List<DockerArchiveImage>))]
[JsonSerializable(typeof(IReadOnlyList<DockerArchiveImage>))]
[JsonSerializable(typeof(DockerArchiveImage[]))]
[JsonSerializable(typeof(SortedDictionary<string, SortedDictionary<string, string>>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class OciJsonContext : JsonSerializerContext
{
}
