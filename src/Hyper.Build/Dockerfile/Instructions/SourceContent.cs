namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>A COPY or ADD source given inline as a here-document.</summary>
/// <param name="Path">The file name it is written as: the here-document's delimiter word.</param>
/// <param name="Data">The file's contents.</param>
/// <param name="Expand">False when the delimiter was quoted, so variables in <paramref name="Data"/> stay as written.</param>
public sealed record SourceContent(string Path, string Data, bool Expand);
