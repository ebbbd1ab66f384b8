namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>ADD [--chown] [--chmod] [--link] [--exclude]… [--checksum] [--keep-git-dir] [--unpack] &lt;src&gt;… &lt;dest&gt;</c>.</summary>
public sealed record AddInstruction : Instruction
{
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Sources written inline as here-documents.</summary>
    public IReadOnlyList<SourceContent> SourceContents { get; init; } = [];

    public required string Destination { get; init; }

    public string? Chown { get; init; }

    public string? Chmod { get; init; }

    public bool Link { get; init; }

    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>The expected digest of a remote source (<c>sha256:…</c>) or the commit of a Git source.</summary>
    public string? Checksum { get; init; }

    /// <summary>Null when not written, so a Git URL's own <c>keep-git-dir</c> setting can apply.</summary>
    public bool? KeepGitDir { get; init; }

    /// <summary>Null when not written: local archives are unpacked, remote ones are not.</summary>
    public bool? Unpack { get; init; }
}
