namespace Hyper.Build.Context;

/// <summary>A .dockerignore line that cannot be used, with the line it came from.</summary>
public sealed class DockerIgnoreException : Exception
{
    public DockerIgnoreException(string message, int line, string pattern)
        : base($"line {line}: {message}")
    {
        Line = line;
        Pattern = pattern;
    }

    /// <summary>1-based line of the pattern in the ignore file.</summary>
    public int Line { get; }

    /// <summary>The pattern as cleaned, without a leading '!'.</summary>
    public string Pattern { get; }
}
