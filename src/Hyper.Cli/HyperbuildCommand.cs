using System.CommandLine;

using Hyper.Cli.Commands;

namespace Hyper.Cli;

/// <summary>The <c>hyperbuild</c> command line: the root command and its subcommands.</summary>
public static class HyperbuildCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("hyperbuild: build OCI images from Dockerfiles and move them between registries, OCI layouts and docker archives.");
        root.Add(DataRoot.Option);
        root.Add(DataRoot.RuntimeOption);
        root.Add(BuildCommand.Create());
        root.Add(ImagesCommand.Create());
        root.Add(LoginCommand.Create());
        root.Add(LogoutCommand.Create());
        root.Add(DiskUsageCommand.Create());
        root.Add(PruneCommand.Create());
        root.Add(RmiCommand.Create());
        root.Add(RunCommand.Create());
        root.Add(CopyCommand.Create());
        root.Add(PullCommand.Create());
        root.Add(PushCommand.Create());
        root.Add(InspectCommand.Create());
        AddOriginalForm(root);
        return root;
    }

    /// <summary>
    /// The form hyperbuild first had, kept for scripts that use it: <c>hyperbuild -c CONTEXT -f DOCKERFILE -i IMAGE [--push]</c>
    /// is <c>hyperbuild build -f DOCKERFILE -t IMAGE CONTEXT</c>.
    /// </summary>
    private static void AddOriginalForm(RootCommand root)
    {
        var context = new Option<string?>("-c") { Description = "Build context directory (original form of hyperbuild build)" };
        var file = new Option<string?>("-f") { Description = "Dockerfile (original form)" };
        var image = new Option<string?>("-i") { Description = "Image name (original form)" };
        var push = new Option<bool>("--push") { Description = "Push the image after building it (original form)" };
        root.Add(context);
        root.Add(file);
        root.Add(image);
        root.Add(push);
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(context) is not { } directory)
            {
                parse.InvocationConfiguration.Error.WriteLine("hyperbuild: give a command (hyperbuild --help lists them), or -c CONTEXT -f DOCKERFILE -i IMAGE");
                return BuildCommand.UsageFailed;
            }

            var arguments = new BuildCommand.BuildArguments(
                directory,
                parse.GetValue(file),
                BuildArgs: [],
                Target: null,
                Platform: null,
                Tags: parse.GetValue(image) is { } name ? [name] : [],
                Outputs: [],
                Compression: "gzip",
                Format: "oci",
                Network: "default",
                Progress: "auto",
                BuildContexts: [],
                Pull: false,
                InsecureRegistries: [],
                Push: parse.GetValue(push),
                Secrets: [],
                SshAgents: []);
            return await BuildCommand.BuildAsync(parse, arguments, cancellationToken).ConfigureAwait(false);
        });
    }
}
