namespace Hyper.Build.Solver;

/// <summary>A build argument the target uses, as <c>--call outline</c> lists it.</summary>
/// <param name="Name">The ARG name.</param>
/// <param name="Value">The value it gets in this build: the <c>--build-arg</c>, else the default; empty when none.</param>
/// <param name="Description">From the comment above the ARG (<c># NAME description</c>).</param>
/// <param name="Line">Where the ARG is declared.</param>
public sealed record OutlineArgument(string Name, string Value, string? Description, int Line);
