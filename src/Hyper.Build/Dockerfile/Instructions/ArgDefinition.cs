namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>One name of an ARG instruction, with its default when it has one.</summary>
/// <param name="Name">The argument name.</param>
/// <param name="Default">The default as written (expanded when the ARG is planned), or null.</param>
/// <param name="Description">From a comment line above the ARG that starts with the name, as BuildKit reads it.</param>
public sealed record ArgDefinition(string Name, string? Default, string? Description = null);
