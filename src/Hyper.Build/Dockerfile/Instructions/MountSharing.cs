namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>sharing=</c> of a cache mount: how concurrent builds share one cache directory.</summary>
public enum MountSharing
{
    Shared,
    Private,
    Locked,
}
