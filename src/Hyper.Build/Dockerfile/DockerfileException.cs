namespace Hyper.Build.Dockerfile;

/// <summary>
/// A Dockerfile that cannot be built as written. The message names the file, the line and the
/// instruction, shows the offending text, and gives a hint where one is obvious.
/// </summary>
public sealed class DockerfileException : Exception
{
    public DockerfileException(string fileName, int line, string message, string? instruction = null, string? hint = null)
        : base(Format(fileName, line, message, instruction, hint))
    {
        FileName = fileName;
        Line = line;
        Reason = message;
        Instruction = instruction;
        Hint = hint;
    }

    public string FileName { get; }

    /// <summary>1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>The instruction text involved, when there is one.</summary>
    public string? Instruction { get; }

    public string? Hint { get; }

    private static string Format(string fileName, int line, string message, string? instruction, string? hint)
    {
        var text = $"{fileName}:{line}: {message}";
        if (instruction is not null)
        {
            text += $"\n  {line} | {SourceExcerpt.Shorten(instruction)}";
        }

        return hint is null ? text : $"{text}\n  hint: {hint}";
    }
}
