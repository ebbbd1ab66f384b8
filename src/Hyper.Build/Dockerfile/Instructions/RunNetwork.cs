namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>RUN --network</c>.</summary>
public enum RunNetwork
{
    Default,
    None,
    Host,
}
