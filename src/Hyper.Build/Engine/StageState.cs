using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>The image a stage has built so far: its layers, config and history, changed step by step.</summary>
internal sealed class StageState
{
    public required PlannedStage Stage { get; init; }

    public required Platform Platform { get; init; }

    /// <summary>The layer blobs in the local store, bottom first.</summary>
    public List<Descriptor> Layers { get; init; } = [];

    /// <summary>The DiffIDs of <see cref="Layers"/>, in the same order.</summary>
    public List<Digest> DiffIds { get; init; } = [];

    public List<HistoryEntry> History { get; init; } = [];

    /// <summary>
    /// The cache key of the files so far: the base's key, then after each step one derived from the step's key
    /// and the layer it made. Stages built on this one or copying from it build their keys on it.
    /// </summary>
    public Digest CacheKey { get; set; }

    /// <summary>The cache records of the steps that made this state, the base stage's included: what <c>--cache-to</c> exports.</summary>
    public List<Cache.CacheRecord> Records { get; init; } = [];

    public ContainerConfig Config { get; set; } = new();

    public string? Author { get; set; }

    /// <summary>True once this stage set CMD, so a later ENTRYPOINT keeps it (Docker resets an inherited CMD).</summary>
    public bool CommandSet { get; set; }

    /// <summary>The shell of shell-form RUN, CMD and ENTRYPOINT.</summary>
    public IReadOnlyList<string> Shell => Config.Shell is { Count: > 0 } shell ? shell : ["/bin/sh", "-c"];

    /// <summary>The working directory steps run in.</summary>
    public string WorkingDirectory => string.IsNullOrEmpty(Config.WorkingDir) ? "/" : Config.WorkingDir;

    /// <summary>A state for <paramref name="stage"/> built on this one (<c>FROM &lt;this stage&gt;</c>).</summary>
    public StageState Derive(PlannedStage stage) => new()
    {
        Stage = stage,
        Platform = Platform,
        Layers = [.. Layers],
        DiffIds = [.. DiffIds],
        History = [.. History],
        CacheKey = CacheKey,
        Records = [.. Records],
        Config = Config with { },
        Author = Author,
    };

    // The config's growing collections, owned by this state and changed in place: a copy per ENV or LABEL made a
    // stage of N of them cost N². Each is taken over (copied once) when the config still holds someone else's.
    private List<string>? _env;
    private Dictionary<string, int>? _envIndex;
    private Dictionary<string, string>? _labels;
    private Dictionary<string, EmptyObject>? _exposedPorts;
    private Dictionary<string, EmptyObject>? _volumes;

    /// <summary>Sets or replaces the variable <paramref name="name"/> in the config's Env.</summary>
    public void SetEnvironment(string name, string value)
    {
        if (_env is null || _envIndex is null || !ReferenceEquals(Config.Env, _env))
        {
            _env = [.. Config.Env ?? []];
            _envIndex = new(StringComparer.Ordinal);
            for (var i = 0; i < _env.Count; i++)
            {
                var equals = _env[i].IndexOf('=', StringComparison.Ordinal);
                _envIndex.TryAdd(equals < 0 ? _env[i] : _env[i][..equals], i);
            }

            Config = Config with { Env = _env };
        }

        // Replaced in place, so the order of Env stays what docker gives.
        var entry = $"{name}={value}";
        if (_envIndex.TryGetValue(name, out var index))
        {
            _env[index] = entry;
        }
        else
        {
            _envIndex[name] = _env.Count;
            _env.Add(entry);
        }
    }

    public void SetLabel(string key, string value)
    {
        _labels = Own(_labels, Config.Labels);
        _labels[key] = value;
        Config = Config with { Labels = _labels };
    }

    public void AddExposedPort(string port)
    {
        _exposedPorts = Own(_exposedPorts, Config.ExposedPorts);
        _exposedPorts[port] = new EmptyObject();
        Config = Config with { ExposedPorts = _exposedPorts };
    }

    public void AddVolume(string path)
    {
        _volumes = Own(_volumes, Config.Volumes);
        _volumes[path] = new EmptyObject();
        Config = Config with { Volumes = _volumes };
    }

    private static Dictionary<string, T> Own<T>(Dictionary<string, T>? owned, IReadOnlyDictionary<string, T>? current) =>
        owned is not null && ReferenceEquals(owned, current) ? owned : new(current ?? new Dictionary<string, T>(), StringComparer.Ordinal);
}
