using System.CommandLine;

namespace Hyper.Registry;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("hyperregistry: an OCI Distribution registry.");
        return root.Parse(args).Invoke();
    }
}
