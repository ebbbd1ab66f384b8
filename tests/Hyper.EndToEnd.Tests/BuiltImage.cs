using Hyper.Oci.Layout;

namespace Hyper.EndToEnd.Tests;

/// <summary>An image as hyperbuild stored it: manifest and config, and the layout holding its blobs.</summary>
public sealed record BuiltImage(Manifest Manifest, ImageConfig Config, OciLayout Layout)
{
    public IReadOnlyList<Descriptor> Layers => Manifest.Image!.Layers;

    public ContainerConfig ContainerConfig => Config.Config ?? new ContainerConfig();

    public IReadOnlyList<HistoryEntry> History => Config.History ?? [];

    public Task<IReadOnlyList<LayerEntry>> ReadLayerAsync(Descriptor layer) =>
        LayerArchive.ReadEntriesAsync(Layout.GetBlobPath(layer.Digest), layer.MediaType);

    /// <summary>The entries of the top layer: what the last step that changed files wrote.</summary>
    public Task<IReadOnlyList<LayerEntry>> ReadTopLayerAsync() => ReadLayerAsync(Layers[^1]);
}
