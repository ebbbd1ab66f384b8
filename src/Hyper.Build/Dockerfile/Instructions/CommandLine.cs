namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>The command of RUN, CMD or ENTRYPOINT: exec form (a JSON array) or shell form (one string).</summary>
/// <param name="Arguments">The array elements in exec form; the single command string in shell form.</param>
/// <param name="IsExecForm">True when written as a JSON array.</param>
public sealed record CommandLine(IReadOnlyList<string> Arguments, bool IsExecForm)
{
    /// <summary>True in shell form: the command runs through the stage's shell (<c>/bin/sh -c</c> by default).</summary>
    public bool PrependShell => !IsExecForm;
}
