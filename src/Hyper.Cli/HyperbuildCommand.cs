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
        root.Add(RmiCommand.Create());
        root.Add(RunCommand.Create());
        return root;
    }
}
