using System.CommandLine;

namespace Hyper.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("hyperbuild: build OCI images from Dockerfiles and move them between registries.");
        return root.Parse(args).Invoke();
    }
}
