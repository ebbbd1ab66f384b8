namespace Hyper.Build.Dockerfile;

/// <summary>
/// One instruction of a Dockerfile as the parser sees it, before variables are expanded: the same tree
/// BuildKit's parser builds (its <c>parser.Node</c>), so behaviour can be compared case by case.
/// </summary>
public sealed record DockerfileNode
{
    /// <summary>The instruction keyword in lower case: <c>from</c>, <c>run</c>, <c>copy</c>, …</summary>
    public required string Instruction { get; init; }

    /// <summary>Flags as written, e.g. <c>--from=builder</c>, in order.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>
    /// The arguments. For the exec (JSON) form, the array elements. For ENV and LABEL, triples of
    /// key, value and separator (<c>=</c> or empty for the legacy <c>ENV key value</c> form), values
    /// with their quotes kept. For shell form, the rest of the line as one string.
    /// </summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>True when the arguments were written as a JSON array (exec form).</summary>
    public bool IsJson { get; init; }

    /// <summary>The instruction nested in this one: ONBUILD's trigger, HEALTHCHECK's CMD.</summary>
    public DockerfileNode? Nested { get; init; }

    /// <summary>Here-documents attached to this instruction, in the order they appear.</summary>
    public IReadOnlyList<Heredoc> Heredocs { get; init; } = [];

    /// <summary>The instruction's text as written (continuation lines joined), for messages and history.</summary>
    public required string Original { get; init; }

    /// <summary>1-based line where the instruction starts.</summary>
    public required int StartLine { get; init; }

    /// <summary>1-based line where it ends (after continuations and here-documents).</summary>
    public required int EndLine { get; init; }
}
