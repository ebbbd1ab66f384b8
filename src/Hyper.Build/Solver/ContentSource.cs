using Hyper.Oci;

namespace Hyper.Build.Solver;

/// <summary>A resolved source of files: the context, scratch, a stage (by index) or an image.</summary>
public sealed record ContentSource
{
    public required ContentSourceKind Kind { get; init; }

    /// <summary>The stage's index when <see cref="Kind"/> is <see cref="ContentSourceKind.Stage"/>.</summary>
    public int? StageIndex { get; init; }

    /// <summary>The normalised reference when <see cref="Kind"/> is <see cref="ContentSourceKind.Image"/>.</summary>
    public Reference? Image { get; init; }

    /// <summary>The name as written (after expansion), for messages.</summary>
    public string? Name { get; init; }

    public static ContentSource Context { get; } = new() { Kind = ContentSourceKind.Context };

    public static ContentSource Scratch { get; } = new() { Kind = ContentSourceKind.Scratch, Name = "scratch" };

    public static ContentSource ForStage(int index, string name) => new() { Kind = ContentSourceKind.Stage, StageIndex = index, Name = name };

    public static ContentSource ForImage(Reference image, string name) => new() { Kind = ContentSourceKind.Image, Image = image, Name = name };

    public override string ToString() => Kind switch
    {
        ContentSourceKind.Context => "context",
        ContentSourceKind.Scratch => "scratch",
        ContentSourceKind.Stage => $"stage {Name}",
        _ => $"image {Image}",
    };
}
