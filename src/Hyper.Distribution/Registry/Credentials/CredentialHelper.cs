using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Hyper.Distribution.Registry.Credentials;

/// <summary>
/// A docker credential helper, the executable <c>docker-credential-&lt;name&gt;</c> on the search path:
/// <c>get</c> reads a server URL on stdin and answers <c>{"ServerURL","Username","Secret"}</c>,
/// <c>store</c> reads that JSON, <c>erase</c> reads a server URL.
/// </summary>
internal sealed class CredentialHelper(string name, string? searchPath)
{
    /// <summary>What helpers print when they have nothing for a server (docker-credential-helpers' ErrCredentialsNotFound).</summary>
    private const string NotFoundMessage = "credentials not found in native keychain";

    public string Program { get; } = "docker-credential-" + name;

    /// <summary>The helper <paramref name="file"/> configures for <paramref name="registry"/>: its <c>credHelpers</c> entry, else <c>credsStore</c>.</summary>
    public static CredentialHelper? For(AuthFile file, string registry, string? searchPath)
    {
        var name = file.CredHelpers is { } helpers && RegistryAuthKey.Find(helpers.Keys, registry) is { } key ? helpers[key] : file.CredsStore;
        return string.IsNullOrEmpty(name) ? null : new CredentialHelper(name, searchPath);
    }

    /// <summary>The credential stored for <paramref name="serverUrl"/>, or null when the helper has none.</summary>
    public async Task<RegistryCredential?> GetAsync(string serverUrl, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync("get", serverUrl, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            if (output.Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase) || output.Contains("not found", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            throw Failed("get", serverUrl, output);
        }

        CredentialHelperMessage? answer;
        try
        {
            answer = JsonSerializer.Deserialize(output, CredentialsJsonContext.Default.CredentialHelperMessage);
        }
        catch (JsonException e)
        {
            throw new RegistryClientException($"{Program} get {serverUrl} answered something that is not its JSON: {e.Message}", RegistryErrorCodes.Unauthorized, null, e);
        }

        if (answer is null || string.IsNullOrEmpty(answer.Secret))
        {
            return null;
        }

        return answer.Username == RegistryCredential.IdentityTokenUsername
            ? RegistryCredential.FromIdentityToken(answer.Secret)
            : new RegistryCredential(answer.Username ?? string.Empty, answer.Secret);
    }

    public async Task StoreAsync(string serverUrl, RegistryCredential credential, CancellationToken cancellationToken)
    {
        var message = credential.IdentityToken is { } token
            ? new CredentialHelperMessage(serverUrl, RegistryCredential.IdentityTokenUsername, token)
            : new CredentialHelperMessage(serverUrl, credential.Username, credential.Password);
        var (exitCode, output) = await RunAsync("store", JsonSerializer.Serialize(message, CredentialsJsonContext.Default.CredentialHelperMessage), cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw Failed("store", serverUrl, output);
        }
    }

    /// <summary>Removes what is stored for <paramref name="serverUrl"/>; false when there was nothing.</summary>
    public async Task<bool> EraseAsync(string serverUrl, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync("erase", serverUrl, cancellationToken).ConfigureAwait(false);
        if (exitCode == 0)
        {
            return true;
        }

        return output.Contains("not found", StringComparison.OrdinalIgnoreCase) ? false : throw Failed("erase", serverUrl, output);
    }

    private RegistryClientException Failed(string verb, string serverUrl, string output) =>
        new($"credential helper {Program} {verb} {serverUrl} failed: {(output.Trim().Length > 0 ? output.Trim() : "no message")}", RegistryErrorCodes.Unauthorized);

    /// <summary>Runs the helper with <paramref name="input"/> on stdin; the answer is stdout, or stderr when it failed and said nothing on stdout.</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(string verb, string input, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(Locate())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(verb);
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new Win32Exception();
        }
        catch (Win32Exception e)
        {
            throw new RegistryClientException($"cannot run the credential helper {startInfo.FileName}: {e.Message}", RegistryErrorCodes.Unauthorized, null, e);
        }

        using (process)
        {
            try
            {
                var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
                process.StandardInput.Close();
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                var output = await stdout.ConfigureAwait(false);
                var error = await stderr.ConfigureAwait(false);
                return (process.ExitCode, process.ExitCode != 0 && output.Trim().Length == 0 ? error : output);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }

    /// <summary>The helper's path on the search path; a missing helper is an error, as the user's configuration names it.</summary>
    private string Locate()
    {
        var directories = (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Select(directory => Path.Combine(directory, Program)).FirstOrDefault(File.Exists)
            ?? throw new RegistryClientException(
                $"the credential helper {Program} is not installed (not found on the PATH); install it, or remove it from the auth file's credsStore/credHelpers",
                RegistryErrorCodes.Unauthorized);
    }
}
