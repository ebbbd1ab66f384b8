namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>RUN --device=name[,required]</c>: a CDI device (a labs feature in BuildKit).</summary>
public sealed record RunDevice(string Name, bool Required);
