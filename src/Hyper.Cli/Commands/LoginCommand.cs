using System.CommandLine;
using System.Text;

using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild login</c>: checks a user name and password against a registry (its <c>/v2/</c>, answering
/// the challenge) and keeps them where <c>podman login</c> does (<see cref="AuthFileLocations.Primary"/>), or in the
/// credential helper that file names.
/// </summary>
public static class LoginCommand
{
    /// <param name="standardInput">Where <c>--password-stdin</c> reads; the console's redirected input when null.</param>
    public static Command Create(TextReader? standardInput = null)
    {
        var server = new Argument<string?>("SERVER") { Description = "Registry to log in to (default: docker.io)", Arity = ArgumentArity.ZeroOrOne };
        var username = new Option<string?>("--username", "-u") { Description = "User name" };
        var password = new Option<string?>("--password", "-p") { Description = "Password or token (visible to other users of the machine: prefer --password-stdin)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password or token from standard input" };
        var tlsVerify = RegistryTransportOptions.TlsVerify();
        var caFile = RegistryTransportOptions.CaFile();
        var authFile = RegistryTransportOptions.AuthFile();
        var command = new Command("login", "Log in to a registry: check the credentials, then keep them for pulls and pushes")
        {
            server, username, password, passwordStdin, tlsVerify, caFile, authFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var registry = RegistryAuthKey.Normalize(parse.GetValue(server) ?? Reference.DockerHubRegistry);
            var user = parse.GetValue(username);
            string? secret;
            try
            {
                secret = ReadPassword(parse.GetValue(password), parse.GetValue(passwordStdin), standardInput, error);
                user ??= Prompt("Username: ", echo: true);
                secret ??= Prompt("Password: ", echo: false);
            }
            catch (UsageException e)
            {
                error.WriteLine($"hyperbuild login: {e.Message}");
                return 1;
            }

            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(secret))
            {
                error.WriteLine("hyperbuild login: a user name and a password are needed (-u USER, and -p PASSWORD or --password-stdin)");
                return 1;
            }

            var credential = new RegistryCredential(user, secret);
            var options = RegistryTransportOptions.Create(
                registry, parse.GetValue(tlsVerify), parse.GetValue(caFile) ?? [], IRegistryCredentialProvider.FromCallback(_ => credential));
            try
            {
                using (var client = new RegistryClient(options))
                {
                    await client.VerifyAccessAsync(registry, cancellationToken).ConfigureAwait(false);
                }

                var store = new AuthFileCredentialStore(RegistryTransportOptions.AuthFilesOf(parse, authFile).Primary);
                var where = await store.StoreAsync(registry, credential, cancellationToken).ConfigureAwait(false);
                error.WriteLine($"credentials for {registry} kept in {where}");
                output.WriteLine("Login Succeeded");
                return 0;
            }
            catch (Exception e) when (e is RegistryClientException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"hyperbuild login: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static string? ReadPassword(string? given, bool fromStdin, TextReader? standardInput, TextWriter error)
    {
        if (given is not null && fromStdin)
        {
            throw new UsageException("--password and --password-stdin are mutually exclusive");
        }

        if (given is not null)
        {
            error.WriteLine("WARNING! Using --password on the command line is insecure: other users can see it. Use --password-stdin.");
            return given;
        }

        if (!fromStdin)
        {
            return null;
        }

        var input = standardInput ?? (Console.IsInputRedirected ? Console.In : null)
            ?? throw new UsageException("--password-stdin reads the password from standard input, but that is a terminal: pipe it in (printf %s \"$PASSWORD\" | hyperbuild login -u USER --password-stdin SERVER)");
        // Only trailing line ends are dropped: spaces may be part of a password.
        var text = input.ReadToEnd().TrimEnd('\r', '\n');
        return text.Length > 0 ? text : throw new UsageException("--password-stdin: standard input was empty; pipe the password in");
    }

    /// <summary>Asks on the terminal; with no terminal there is no one to ask, and null says so.</summary>
    private static string? Prompt(string question, bool echo)
    {
        if (Console.IsInputRedirected || Console.IsErrorRedirected)
        {
            return null;
        }

        Console.Error.Write(question);
        if (echo)
        {
            return Console.ReadLine();
        }

        var text = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return text.ToString();
    }

    private sealed class UsageException(string message) : Exception(message);
}
