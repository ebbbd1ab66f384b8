using System.CommandLine;

using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary><c>hyperbuild logout</c>: forgets the credentials <c>hyperbuild login</c> (or <c>podman login</c>) kept for a registry, in the same file.</summary>
public static class LogoutCommand
{
    public static Command Create()
    {
        var server = new Argument<string?>("SERVER") { Description = "Registry to log out from (default: docker.io)", Arity = ArgumentArity.ZeroOrOne };
        var authFile = RegistryTransportOptions.AuthFile();
        var command = new Command("logout", "Log out from a registry: remove its kept credentials") { server, authFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var registry = RegistryAuthKey.Normalize(parse.GetValue(server) ?? Reference.DockerHubRegistry);
            try
            {
                var store = new AuthFileCredentialStore(RegistryTransportOptions.AuthFilesOf(parse, authFile).Primary);
                var removed = await store.EraseAsync(registry, cancellationToken).ConfigureAwait(false);
                output.WriteLine(removed ? $"Removing login credentials for {registry}" : $"Not logged in to {registry}");
                return 0;
            }
            catch (Exception e) when (e is RegistryClientException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"hyperbuild logout: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
