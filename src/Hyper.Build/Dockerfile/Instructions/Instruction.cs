namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>
/// One Dockerfile instruction, read and checked: flags validated, arguments in their typed shape. Values
/// are as written until a build plan expands them (see <c>Hyper.Build.Solver.BuildPlanner</c>).
/// </summary>
public abstract record Instruction
{
    /// <summary>The parse-tree node this instruction was read from, for locations and messages.</summary>
    public required DockerfileNode Node { get; init; }

    /// <summary>1-based line where the instruction starts.</summary>
    public int Line => Node.StartLine;

    /// <summary>The keyword as written, e.g. <c>RUN</c> or <c>run</c> (casing rules need the original).</summary>
    public string Keyword
    {
        get
        {
            var text = Node.Original.AsSpan().TrimStart();
            var end = text.IndexOfAny(' ', '\t');
            var word = end < 0 ? text : text[..end];
            return word.Equals(Node.Instruction, StringComparison.OrdinalIgnoreCase) ? word.ToString() : Node.Instruction.ToUpperInvariant();
        }
    }
}
