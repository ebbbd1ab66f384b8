namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude]… &lt;src&gt;… &lt;dest&gt;</c>.</summary>
public sealed record CopyInstruction : Instruction
{
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Sources written inline as here-documents.</summary>
    public IReadOnlyList<SourceContent> SourceContents { get; init; } = [];

    public required string Destination { get; init; }

    /// <summary>A stage name, a stage index, or an image reference; null copies from the build context.</summary>
    public string? From { get; init; }

    public string? Chown { get; init; }

    public string? Chmod { get; init; }

    public bool Link { get; init; }

    public bool Parents { get; init; }

    public IReadOnlyList<string> Excludes { get; init; } = [];
}
