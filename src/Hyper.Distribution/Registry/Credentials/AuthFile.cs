using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Distribution.Registry.Credentials;

/// <summary>
/// The shape docker's <c>config.json</c> and containers' <c>auth.json</c> share: <c>auths</c> by registry
/// key, <c>credsStore</c>, <c>credHelpers</c>. Everything else in the file is kept as it was when written back.
/// </summary>
internal sealed class AuthFile
{
    [JsonPropertyName("auths")]
    public Dictionary<string, AuthFileEntry>? Auths { get; set; }

    [JsonPropertyName("credsStore")]
    public string? CredsStore { get; set; }

    [JsonPropertyName("credHelpers")]
    public Dictionary<string, string>? CredHelpers { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }

    /// <summary>The file at <paramref name="path"/>, or null when there is none; a file that is not JSON of this shape is an error naming it.</summary>
    public static AuthFile? Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegistryClientException($"cannot read the auth file {path}: {e.Message}", RegistryErrorCodes.Unauthorized, null, e);
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return new AuthFile();
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, CredentialsJsonContext.Default.AuthFile) ?? new AuthFile();
        }
        catch (JsonException e)
        {
            throw new RegistryClientException($"the auth file {path} is not valid JSON: {e.Message}", RegistryErrorCodes.Unauthorized, null, e);
        }
    }

    /// <summary>
    /// Writes to <paramref name="path"/> (through a symbolic link, as docker does) atomically, readable by
    /// the owner only: a temporary file in the same directory, then a rename over the old one.
    /// </summary>
    public void Save(string path)
    {
        var file = new FileInfo(path);
        var target = file.LinkTarget is null ? file.FullName : file.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, this, CredentialsJsonContext.Default.AuthFile);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
