// hyperbuild runs containers with Linux mounts and namespaces; there is nothing to run elsewhere.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Hyper.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => HyperbuildCommand.Create().Parse(args).InvokeAsync();
}
