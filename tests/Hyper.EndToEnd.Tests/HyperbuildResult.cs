namespace Hyper.EndToEnd.Tests;

/// <summary>How a hyperbuild command ended and what it printed (progress and errors go to <see cref="Error"/>).</summary>
public sealed record HyperbuildResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
