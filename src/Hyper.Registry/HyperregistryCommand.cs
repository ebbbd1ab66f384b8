using System.CommandLine;

namespace Hyper.Registry;

/// <summary>The <c>hyperregistry</c> command line: the root command and its subcommands.</summary>
public static class HyperregistryCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("hyperregistry: an OCI Distribution (Docker Registry HTTP API v2) registry.");
        return root;
    }
}
