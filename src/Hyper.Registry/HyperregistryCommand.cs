using System.CommandLine;

using Hyper.Registry.Configuration;

namespace Hyper.Registry;

/// <summary>The <c>hyperregistry</c> command line: the root command and its subcommands.</summary>
public static class HyperregistryCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("hyperregistry: an OCI Distribution (Docker Registry HTTP API v2) registry.");
        root.Add(CreateServe());
        return root;
    }

    private static Command CreateServe()
    {
        var config = new Argument<FileInfo?>("config")
        {
            Description = "A YAML configuration in the shape of CNCF Distribution's config.yml (optional; REGISTRY_* variables override it).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var serve = new Command("serve", "Serve the registry API. Defaults: listen on :5000, data under ./data, SQLite metadata, deletes disabled.")
        {
            config,
        };
        serve.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var options = RegistryConfiguration.Load(parse.GetValue(config)?.FullName, Environment.GetEnvironmentVariables());
                var app = RegistryHost.Build(options);
                await using (app.ConfigureAwait(false))
                {
                    await RegistryHost.InitializeAsync(app, cancellationToken).ConfigureAwait(false);
                    await RegistryHost.StartAsync(app, cancellationToken).ConfigureAwait(false);

                    // The host stops cleanly on SIGTERM and Ctrl-C: requests in flight finish, uploads in
                    // progress keep what they had for the client to resume.
                    await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (InvalidConfigurationException e)
            {
                // One line, no stack trace: the message names the setting and its value.
                await parse.InvocationConfiguration.Error.WriteLineAsync($"hyperregistry: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            return 0;
        });
        return serve;
    }
}
