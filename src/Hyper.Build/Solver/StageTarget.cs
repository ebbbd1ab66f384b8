namespace Hyper.Build.Solver;

/// <summary>One stage as a build target.</summary>
/// <param name="Name">The stage name, or null for an unnamed stage.</param>
/// <param name="Description">From the comment above FROM (<c># name description</c>).</param>
/// <param name="IsDefault">True for the last stage, built when no target is given.</param>
/// <param name="Base">The FROM base as written.</param>
/// <param name="Platform">The <c>--platform</c> as written, or null.</param>
/// <param name="Line">The line of the FROM.</param>
public sealed record StageTarget(string? Name, string? Description, bool IsDefault, string Base, string? Platform, int Line);
