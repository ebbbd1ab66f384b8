namespace Hyper.Build.Dockerfile;

/// <summary>A parsed Dockerfile: its parser directives and its instructions in order.</summary>
public sealed record DockerfileDocument
{
    /// <summary>The file name used in messages, e.g. <c>Dockerfile</c>.</summary>
    public required string FileName { get; init; }

    /// <summary>The escape character: <c>\</c>, or <c>`</c> after <c># escape=`</c>.</summary>
    public char EscapeCharacter { get; init; } = '\\';

    /// <summary>Parser directives found at the top (<c>syntax</c>, <c>escape</c>, <c>check</c>), keys in lower case.</summary>
    public IReadOnlyDictionary<string, string> Directives { get; init; } = new Dictionary<string, string>();

    public required IReadOnlyList<DockerfileNode> Instructions { get; init; }

    /// <summary>Things that are accepted but deserve a word, e.g. empty continuation lines.</summary>
    public IReadOnlyList<DockerfileWarning> Warnings { get; init; } = [];

    /// <summary>The comment lines directly above each instruction, by start line (used for stage descriptions).</summary>
    public IReadOnlyDictionary<int, string> CommentsAbove { get; init; } = new Dictionary<int, string>();
}
