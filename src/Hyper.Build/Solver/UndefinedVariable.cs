namespace Hyper.Build.Solver;

/// <summary>A variable used before it was defined, with the closest defined name when one is close.</summary>
public sealed record UndefinedVariable(string Name, string? Suggestion);
