using Hyper.Build.Execution;

namespace Hyper.Build.Engine;

/// <summary>
/// What the <c>--mount</c>s of one RUN give its container (mounts, secret environment variables) and what
/// has to be undone once it ended (cache locks released, secret files deleted).
/// </summary>
internal sealed class RunMountSet : IDisposable
{
    private readonly List<ContainerMount> _mounts = [];
    private readonly List<Action> _cleanups = [];

    public IReadOnlyList<ContainerMount> Mounts => _mounts;

    /// <summary>Variables from secrets with <c>env=</c>; they override the step's own.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public void Add(ContainerMount mount) => _mounts.Add(mount);

    /// <summary>Registers <paramref name="cleanup"/> to run at <see cref="Dispose"/>, last registered first.</summary>
    public void OnDispose(Action cleanup) => _cleanups.Add(cleanup);

    public void Dispose()
    {
        for (var i = _cleanups.Count - 1; i >= 0; i--)
        {
            _cleanups[i]();
        }

        _cleanups.Clear();
    }
}
