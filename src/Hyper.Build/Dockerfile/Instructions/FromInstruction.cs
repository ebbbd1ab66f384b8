namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>FROM [--platform=&lt;p&gt;] &lt;image|stage&gt; [AS &lt;name&gt;]</c>: starts a stage.</summary>
public sealed record FromInstruction : Instruction
{
    /// <summary>The base as written, before global ARGs are expanded.</summary>
    public required string BaseName { get; init; }

    /// <summary>The stage name in lower case (stage names are case-insensitive), or null for an unnamed stage.</summary>
    public string? StageName { get; init; }

    /// <summary>The stage name as written, for the casing rule.</summary>
    public string? StageNameAsWritten { get; init; }

    /// <summary>The <c>AS</c> keyword as written, for the casing rule.</summary>
    public string? AsKeyword { get; init; }

    /// <summary>The <c>--platform</c> value as written, before expansion.</summary>
    public string? Platform { get; init; }

    /// <summary>From a comment above FROM that starts with the stage name (<c># build Compiles the app</c>).</summary>
    public string? Description { get; init; }
}
