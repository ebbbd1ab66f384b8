namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>
/// A problem found while reading one instruction, before the file and line are known to the code that
/// finds it; <see cref="InstructionParser"/> turns it into a <see cref="DockerfileException"/>.
/// </summary>
internal sealed class InvalidInstructionException : Exception
{
    public InvalidInstructionException(string reason, string? hint = null)
        : base(reason)
    {
        Hint = hint;
    }

    public string? Hint { get; }
}
