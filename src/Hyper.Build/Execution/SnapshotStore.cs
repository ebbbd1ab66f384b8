using System.Collections.Concurrent;

using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Execution;

/// <summary>
/// Root filesystems for build steps, made of layers unpacked once each. Every layer lives in its own
/// directory named by its DiffID, in overlayfs's on-disk format (whiteouts as 0/0 character devices,
/// opaque directories marked by xattr), so a chain of layers is mounted by listing their directories
/// as overlay lower directories, and a step's upper directory, once its layer is written, becomes the
/// directory of that layer without being unpacked again.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SnapshotStore
{
    /// <summary>Names the snapshotter to use (<c>overlay</c> or <c>copy</c>) when the constructor is not given one.</summary>
    public const string SnapshotterVariable = "HYPER_SNAPSHOTTER";

    private readonly string _layers;
    private readonly string _active;
    private readonly Lazy<Snapshotter> _snapshotter;

    /// <summary>The layers being unpacked by this store now, each ending when its unpacker is done (either way).</summary>
    private readonly ConcurrentDictionary<Digest, Task> _unpacking = new();

    /// <summary>
    /// Opens (creating when missing) the store in <paramref name="directory"/>. Snapshots are made by
    /// <paramref name="snapshotter"/>; without one, by what <see cref="SnapshotterVariable"/> names, and
    /// without that, by overlayfs if a trial mount in the store works, by copying otherwise.
    /// </summary>
    public SnapshotStore(string directory, Snapshotter? snapshotter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        // Owner-only: the layers hold the images' device nodes and setuid files as they are.
        Directory = PrivateDirectory.Ensure(Path.GetFullPath(directory));
        _layers = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "layers")).FullName;
        _active = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "active")).FullName;
        snapshotter ??= Environment.GetEnvironmentVariable(SnapshotterVariable) switch
        {
            null or "" or "auto" => null,
            "overlay" => Execution.Snapshotter.Overlay,
            "copy" => Execution.Snapshotter.Copy,
            var other => throw new ArgumentException($"{SnapshotterVariable}={other} names no snapshotter: use overlay, copy or auto"),
        };
        _snapshotter = snapshotter is { } chosen ? new(chosen) : new(DetectSnapshotter);
    }

    public string Directory { get; }

    /// <summary>How this store makes snapshots; detected on first use unless it was chosen.</summary>
    public Snapshotter Snapshotter => _snapshotter.Value;

    /// <summary>Where the layer <paramref name="diffId"/> is (or would be) unpacked.</summary>
    public string GetLayerDirectory(Digest diffId) => Path.Combine(_layers, $"{diffId.Algorithm}-{diffId.Encoded}");

    public bool HasLayer(Digest diffId) => System.IO.Directory.Exists(GetLayerDirectory(diffId));

    /// <summary>The DiffIDs of every unpacked layer.</summary>
    public IReadOnlyList<Digest> ListLayers() =>
        [.. new DirectoryInfo(_layers).EnumerateDirectories()
            .Select(static d => d.Name.Replace('-', ':'))
            .Select(static name => Digest.TryParse(name, out var digest) ? digest : (Digest?)null)
            .OfType<Digest>()];

    /// <summary>Deletes the unpacked copy of the layer <paramref name="diffId"/> (its blob can unpack it again); only while no build runs.</summary>
    public void RemoveLayer(Digest diffId) => DeleteTree(GetLayerDirectory(diffId));

    /// <summary>
    /// Unpacks the layer <paramref name="diffId"/> from <paramref name="blob"/> (plain, gzip or zstd) unless it
    /// is already here. The directory appears under its name only once complete and checked against the DiffID.
    /// </summary>
    /// <remarks>
    /// Callers asking for the same layer at once (parallel stages on one base image) unpack it once: the others
    /// wait for that unpacker and look again, unpacking it themselves only if it failed or was cancelled.
    /// Another process sharing the directory may still unpack it at the same time; the first copy is kept.
    /// </remarks>
    public async Task EnsureLayerAsync(Digest diffId, Func<Stream> blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        while (!HasLayer(diffId))
        {
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = _unpacking.GetOrAdd(diffId, mine.Task);
            if (running != mine.Task)
            {
                // Its outcome is its caller's to report: ours is whether the layer is there afterwards.
                await running.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                // Looked at again: an unpacker may have finished between the check above and taking its place.
                if (!HasLayer(diffId))
                {
                    await UnpackAsync(diffId, blob, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _unpacking.TryRemove(KeyValuePair.Create(diffId, mine.Task));
                mine.SetResult();
            }

            return;
        }
    }

    private async Task UnpackAsync(Digest diffId, Func<Stream> blob, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(_active, $"unpack-{Guid.NewGuid():N}");
        try
        {
            Digest actual;
            var stream = blob();
            await using (stream.ConfigureAwait(false))
            {
                actual = await LayerUnpacker.ApplyAsync(stream, temporary, WhiteoutFormat.Overlay, cancellationToken).ConfigureAwait(false);
            }

            if (actual != diffId)
            {
                throw new DigestMismatchException(diffId, actual, $"layer unpacks to {actual}, but the image config lists DiffID {diffId}");
            }

            MoveIntoPlace(temporary, diffId);
        }
        finally
        {
            DeleteTree(temporary);
        }
    }

    /// <summary>
    /// Unpacks each of <paramref name="layers"/> (blobs in <paramref name="layout"/>) that is not here yet;
    /// <paramref name="diffIds"/> are their DiffIDs from the image config, in the same order.
    /// </summary>
    public async Task EnsureLayersAsync(OciLayout layout, IReadOnlyList<Descriptor> layers, IReadOnlyList<Digest> diffIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(diffIds);
        if (layers.Count != diffIds.Count)
        {
            throw new InvalidOciDocumentException($"an image lists {layers.Count} layers in its manifest but {diffIds.Count} DiffIDs in its config");
        }

        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            await EnsureLayerAsync(diffIds[i], () => layout.OpenBlob(layer), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Mounts a writable root filesystem over the layers <paramref name="chain"/> (bottom layer first, as in
    /// an image config's diff_ids), which must all be here. Empty for FROM scratch.
    /// </summary>
    public ISnapshot Mount(IReadOnlyList<Digest> chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var lowers = new List<string>(chain.Count);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var layer = GetLayerDirectory(chain[i]);
            if (!System.IO.Directory.Exists(layer))
            {
                throw new InvalidOperationException($"layer {chain[i]} has not been unpacked into the snapshot store");
            }

            lowers.Add(layer);
        }

        var directory = Path.Combine(_active, Guid.NewGuid().ToString("N"));
        return Snapshotter == Execution.Snapshotter.Overlay
            ? OverlaySnapshot.Mount(directory, lowers)
            : CopyingSnapshot.Mount(directory, lowers);
    }

    /// <summary>
    /// Unmounts <paramref name="snapshot"/> and keeps its upper directory as the layer <paramref name="diffId"/>
    /// (its layer blob written from it already), so the next step mounts it without unpacking.
    /// </summary>
    public void Commit(ISnapshot snapshot, Digest diffId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.Unmount();
        if (!HasLayer(diffId))
        {
            MoveIntoPlace(snapshot.Upper, diffId);
        }

        Discard(snapshot);
    }

    /// <summary>Unmounts <paramref name="snapshot"/> and deletes everything it had.</summary>
    public static void Discard(ISnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        // Dispose, not Unmount: a copying snapshot would compute a diff only to delete it.
        snapshot.Dispose();
        DeleteTree(snapshot.Directory);
    }

    /// <summary>Whether overlayfs mounts here: one trial mount with nothing in it, at the store's first snapshot.</summary>
    private Snapshotter DetectSnapshotter()
    {
        var probe = Path.Combine(_active, $"probe-{Guid.NewGuid():N}");
        try
        {
            OverlaySnapshot.Mount(probe, []).Dispose();
            return Execution.Snapshotter.Overlay;
        }
        catch (IOException)
        {
            return Execution.Snapshotter.Copy;
        }
        finally
        {
            DeleteTree(probe);
        }
    }

    private void MoveIntoPlace(string directory, Digest diffId)
    {
        try
        {
            System.IO.Directory.Move(directory, GetLayerDirectory(diffId));
        }
        catch (IOException) when (HasLayer(diffId))
        {
            // Another build unpacked or committed the same layer first; the content is the same.
        }
    }

    private static void DeleteTree(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            // overlayfs leaves its work/work directory with mode 000; root deletes it regardless.
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
