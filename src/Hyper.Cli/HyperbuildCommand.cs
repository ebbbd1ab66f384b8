using System.CommandLine;

namespace Hyper.Cli;

/// <summary>The <c>hyperbuild</c> command line: the root command and its subcommands.</summary>
public static class HyperbuildCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("hyperbuild: build OCI images from Dockerfiles and move them between registries, OCI layouts and docker archives.");
        return root;
    }
}
