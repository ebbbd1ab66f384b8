using System.Collections.Concurrent;
using System.Text;

using NJsonSchema;

namespace Hyper.Oci.Tests.Schema;

/// <summary>
/// The image-spec's JSON Schemas (draft-04) from <c>../shared/testdata/oci-image-spec-schema</c>.
/// Loading each from its file lets NJsonSchema resolve the relative <c>$ref</c>s
/// (<c>content-descriptor.json</c>, <c>defs-descriptor.json</c>, <c>defs.json</c>) from the same folder;
/// the <c>id</c> URLs in them are never fetched.
/// </summary>
internal static class OciSchemas
{
    public const string ImageManifest = "image-manifest-schema.json";
    public const string ImageIndex = "image-index-schema.json";
    public const string ImageLayout = "image-layout-schema.json";
    public const string Config = "config-schema.json";
    public const string ContentDescriptor = "content-descriptor.json";

    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonSchema>>> Loaded = new(StringComparer.Ordinal);

    public static string Folder { get; } = Path.Combine(RepositoryPaths.SharedTestData, "oci-image-spec-schema");

    public static Task<JsonSchema> LoadAsync(string fileName) =>
        Loaded.GetOrAdd(fileName, name => new Lazy<Task<JsonSchema>>(() => JsonSchema.FromFileAsync(Path.Combine(Folder, name)))).Value;

    /// <summary>The schema's complaints about <paramref name="json"/>, one line each; empty when it is valid.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(string schemaFileName, ReadOnlyMemory<byte> json)
    {
        var schema = await LoadAsync(schemaFileName);
        return schema.Validate(Encoding.UTF8.GetString(json.Span)).Select(error => error.ToString()).ToList();
    }

    /// <summary>Fails the test, showing the document and every complaint, unless <paramref name="json"/> is valid.</summary>
    public static async Task AssertValidAsync(string schemaFileName, ReadOnlyMemory<byte> json)
    {
        var errors = await ValidateAsync(schemaFileName, json);
        Assert.True(
            errors.Count == 0,
            $"not valid against {schemaFileName}:\n{Encoding.UTF8.GetString(json.Span)}\n{string.Join('\n', errors)}");
    }
}
