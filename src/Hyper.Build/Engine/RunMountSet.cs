using Hyper.Build.Execution;

namespace Hyper.Build.Engine;

/// <summary>
/// What the <c>--mount</c>s of one RUN give its container (mounts, secret environment variables,
/// SSH_AUTH_SOCK) and what has to be undone once it ended (cache locks released, secret files deleted,
/// SSH agent forwarders stopped).
/// </summary>
internal sealed class RunMountSet : IDisposable
{
    private readonly List<ContainerMount> _mounts = [];
    private readonly List<Action> _cleanups = [];

    public IReadOnlyList<ContainerMount> Mounts => _mounts;

    /// <summary>Variables from secrets with <c>env=</c>, and SSH_AUTH_SOCK; they override the step's own.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public void Add(ContainerMount mount) => _mounts.Add(mount);

    /// <summary>Registers <paramref name="cleanup"/> to run at <see cref="Dispose"/>, last registered first.</summary>
    public void OnDispose(Action cleanup) => _cleanups.Add(cleanup);

    /// <summary>Runs every cleanup even when one fails, so that a failed delete does not keep a cache lock; then throws the first failure.</summary>
    public void Dispose()
    {
        Exception? first = null;
        for (var i = _cleanups.Count - 1; i >= 0; i--)
        {
            try
            {
                _cleanups[i]();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                first ??= e;
            }
        }

        _cleanups.Clear();
        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }
}
