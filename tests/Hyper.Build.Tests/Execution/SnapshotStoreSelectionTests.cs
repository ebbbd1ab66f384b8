using Hyper.Build.Execution;

namespace Hyper.Build.Tests.Execution;

/// <summary>Which snapshotter a store picks.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SnapshotStoreSelectionTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void Overlay_is_detected_where_it_mounts_and_the_trial_leaves_nothing_behind()
    {
        // The tests run as root on a kernel with overlayfs, as CI does; HYPER_SNAPSHOTTER=copy forces the fallback.
        var store = new SnapshotStore(_work.Combine("store"));
        var expected = Environment.GetEnvironmentVariable(SnapshotStore.SnapshotterVariable) == "copy" ? Snapshotter.Copy : Snapshotter.Overlay;

        Assert.Equal(expected, store.Snapshotter);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work.Combine("store", "active")));
    }

    [Fact]
    public void A_chosen_snapshotter_is_used_without_trying_overlay()
    {
        var store = new SnapshotStore(_work.Combine("store"), Snapshotter.Copy);

        using var snapshot = store.Mount([]);

        Assert.IsType<CopyingSnapshot>(snapshot);
        SnapshotStore.Discard(snapshot);
        Assert.False(Directory.Exists(snapshot.Directory));
    }

    [Fact]
    public void An_unknown_snapshotter_in_the_environment_is_refused_by_name()
    {
        var previous = Environment.GetEnvironmentVariable(SnapshotStore.SnapshotterVariable);
        Environment.SetEnvironmentVariable(SnapshotStore.SnapshotterVariable, "zfs");
        try
        {
            var error = Assert.Throws<ArgumentException>(() => new SnapshotStore(_work.Combine("store")));
            Assert.Contains("HYPER_SNAPSHOTTER=zfs", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SnapshotStore.SnapshotterVariable, previous);
        }
    }
}
