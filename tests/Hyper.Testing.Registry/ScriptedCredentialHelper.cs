using System.Text;

namespace Hyper.Testing.Registry;

/// <summary>
/// A real docker credential helper, <c>docker-credential-&lt;name&gt;</c>: a shell script following the
/// protocol (<c>get</c>/<c>store</c>/<c>erase</c> with the server URL or JSON on stdin) that keeps each
/// server's JSON in a file under <see cref="StoreDirectory"/>. Put <see cref="Directory"/> on the search path.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ScriptedCredentialHelper
{
    private const string Script = """
        #!/bin/sh
        # docker-credential-NAME for tests: one file per server URL under store-NAME/ next to this script.
        set -eu
        store="$(dirname "$0")/store-NAME"
        mkdir -p "$store"
        key() { printf %s "$1" | base64 -w0 | tr '/+=' '_.~'; }
        case "${1:-}" in
          get)
            url=$(cat)
            f="$store/$(key "$url")"
            if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          store)
            json=$(cat)
            url=$(printf '%s\n' "$json" | sed -n 's/.*"ServerURL" *: *"\([^"]*\)".*/\1/p' | head -n 1)
            printf '%s' "$json" > "$store/$(key "$url")" ;;
          erase)
            url=$(cat)
            f="$store/$(key "$url")"
            if [ -f "$f" ]; then rm "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          list) echo '{}' ;;
          *) echo "unknown action: ${1:-}" >&2; exit 1 ;;
        esac
        """;

    public ScriptedCredentialHelper(string directory, string name = "test")
    {
        Directory = directory;
        Name = name;
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "docker-credential-" + name);
        File.WriteAllText(path, Script.Replace("NAME", name, StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
    }

    /// <summary>The directory holding the executable, for a search path.</summary>
    public string Directory { get; }

    /// <summary>The name as auth files give it in <c>credsStore</c> and <c>credHelpers</c>.</summary>
    public string Name { get; }

    public string StoreDirectory => Path.Combine(Directory, "store-" + Name);

    /// <summary>Puts a credential into the helper's store, as if it had been stored earlier.</summary>
    public void Seed(string serverUrl, string username, string secret)
    {
        System.IO.Directory.CreateDirectory(StoreDirectory);
        File.WriteAllText(FileFor(serverUrl), $$"""{"ServerURL":"{{serverUrl}}","Username":"{{username}}","Secret":"{{secret}}"}""");
    }

    /// <summary>The JSON the helper keeps for <paramref name="serverUrl"/>, or null.</summary>
    public string? Stored(string serverUrl) => File.Exists(FileFor(serverUrl)) ? File.ReadAllText(FileFor(serverUrl)) : null;

    private string FileFor(string serverUrl) =>
        Path.Combine(StoreDirectory, Convert.ToBase64String(Encoding.UTF8.GetBytes(serverUrl)).Replace('/', '_').Replace('+', '.').Replace('=', '~'));
}
