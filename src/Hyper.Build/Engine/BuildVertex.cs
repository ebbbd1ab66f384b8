namespace Hyper.Build.Engine;

/// <summary>
/// One thing a build does that the progress display shows on its own: loading the Dockerfile, resolving
/// a base image, a step (<c>[build 2/4] RUN make</c>), exporting. Numbered in the order they start, as
/// BuildKit numbers its vertices (<c>#5</c>).
/// </summary>
/// <param name="Number">1-based, unique within a build.</param>
/// <param name="Name">What BuildKit would print, e.g. <c>[build 2/4] RUN make</c> or <c>[internal] load build definition from Dockerfile</c>.</param>
public sealed record BuildVertex(int Number, string Name);
