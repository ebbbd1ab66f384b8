namespace Hyper.Build.Solver;

/// <summary>Where a stage's base, a <c>COPY --from</c> or a <c>RUN --mount</c> takes its files from.</summary>
public enum ContentSourceKind
{
    /// <summary>The build context sent with the build.</summary>
    Context,

    /// <summary>Nothing: an empty file system.</summary>
    Scratch,

    /// <summary>Another stage of the same Dockerfile.</summary>
    Stage,

    /// <summary>An image pulled from a registry.</summary>
    Image,
}
