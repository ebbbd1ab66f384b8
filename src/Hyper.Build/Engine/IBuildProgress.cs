namespace Hyper.Build.Engine;

/// <summary>
/// Receives what a build is doing as it happens. Calls for different vertices may come from different
/// threads; calls for one vertex come in order: started, output lines, then finished.
/// </summary>
public interface IBuildProgress
{
    void Started(BuildVertex vertex);

    /// <summary>A line the vertex printed (a RUN step's stdout and stderr), without its line ending.</summary>
    void Output(BuildVertex vertex, string line);

    /// <summary>The vertex (a step just <see cref="Started"/>) was not run: its result came from the build cache. Nothing follows for it.</summary>
    void Cached(BuildVertex vertex);

    /// <summary>The vertex is done: <paramref name="error"/> is null when it succeeded.</summary>
    void Finished(BuildVertex vertex, TimeSpan duration, string? error);
}
