using System.Text.Json.Serialization;

namespace Hyper.Distribution.Registry.Credentials;

/// <summary>Generated JSON code for auth files and credential helpers: no reflection, so AOT works.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(AuthFile))]
[JsonSerializable(typeof(CredentialHelperMessage))]
internal sealed partial class CredentialsJsonContext : JsonSerializerContext
{
}
