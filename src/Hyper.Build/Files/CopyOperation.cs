using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Files;

/// <summary>One COPY or ADD step, its words already expanded, for <see cref="FileCopier"/>.</summary>
public sealed record CopyOperation
{
    /// <summary>Source paths (wildcards allowed) relative to the source's root, or for ADD also http(s) URLs.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Here-documents written as files; their data is written as given.</summary>
    public IReadOnlyList<SourceContent> SourceContents { get; init; } = [];

    /// <summary>The destination as written: a trailing '/' (or ".") makes it a directory.</summary>
    public required string Destination { get; init; }

    /// <summary>The stage's WORKDIR, which a relative destination is relative to.</summary>
    public string WorkingDirectory { get; init; } = "/";

    /// <summary><c>--chown</c>, resolved in the target root filesystem.</summary>
    public string? Chown { get; init; }

    /// <summary><c>--chmod</c>: octal or symbolic.</summary>
    public string? Chmod { get; init; }

    /// <summary><c>--exclude</c> patterns (.dockerignore syntax), relative to each copied source.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary><c>--parents</c>: keep each source's path below the destination (from a <c>/./</c> pivot on, when there is one).</summary>
    public bool Parents { get; init; }

    /// <summary>ADD rather than COPY: URLs are downloaded and local archives extracted.</summary>
    public bool IsAdd { get; init; }

    /// <summary>ADD <c>--checksum</c> of a URL source (<c>sha256:…</c>).</summary>
    public string? Checksum { get; init; }

    /// <summary>ADD <c>--unpack</c>: null extracts local archives only, true remote ones too, false none.</summary>
    public bool? Unpack { get; init; }
}
