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

    /// <summary>Sets or replaces the variable <paramref name="name"/> in the config's Env.</summary>
    public void SetEnvironment(string name, string value)
    {
        // Replaced in place, so the order of Env stays what docker gives.
        var env = new List<string>(Config.Env ?? []);
        var entry = $"{name}={value}";
        var index = env.FindIndex(e => e.StartsWith(name + "=", StringComparison.Ordinal));
        if (index >= 0)
        {
            env[index] = entry;
        }
        else
        {
            env.Add(entry);
        }

        Config = Config with { Env = env };
    }
}
