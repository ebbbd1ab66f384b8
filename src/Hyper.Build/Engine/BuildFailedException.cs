namespace Hyper.Build.Engine;

/// <summary>
/// A build step failed: the message names the Dockerfile, the line and the instruction, and says why
/// (for RUN, the command and its exit code). <see cref="OutputTail"/> has the last lines the step printed.
/// </summary>
public sealed class BuildFailedException : Exception
{
    public BuildFailedException(string message, IReadOnlyList<string>? outputTail = null, int? exitCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        OutputTail = outputTail ?? [];
        ExitCode = exitCode;
    }

    public BuildFailedException()
        : this("the build failed")
    {
    }

    public BuildFailedException(string message)
        : this(message, outputTail: null)
    {
    }

    public BuildFailedException(string message, Exception innerException)
        : this(message, null, null, innerException)
    {
    }

    /// <summary>The last lines of output of the failed step (empty when it printed nothing or ran nothing).</summary>
    public IReadOnlyList<string> OutputTail { get; }

    /// <summary>The exit code of a failed RUN.</summary>
    public int? ExitCode { get; }
}
