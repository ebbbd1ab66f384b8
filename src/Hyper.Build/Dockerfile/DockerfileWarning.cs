namespace Hyper.Build.Dockerfile;

/// <summary>Something accepted but worth saying, located in the Dockerfile.</summary>
public sealed record DockerfileWarning(string FileName, int Line, string RuleName, string Message)
{
    public override string ToString() => $"{FileName}:{Line}: {RuleName}: {Message}";
}
