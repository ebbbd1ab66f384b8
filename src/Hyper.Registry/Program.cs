namespace Hyper.Registry;

internal static class Program
{
    private static Task<int> Main(string[] args) => HyperregistryCommand.Create().Parse(args).InvokeAsync();
}
