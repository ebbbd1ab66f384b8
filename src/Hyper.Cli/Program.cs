namespace Hyper.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => HyperbuildCommand.Create().Parse(args).InvokeAsync();
}
