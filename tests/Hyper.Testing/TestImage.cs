namespace Hyper.Testing;

/// <summary>An image written by <see cref="TestImages"/>, with everything a test may want to compare.</summary>
public sealed record TestImage(
    Manifest Manifest,
    byte[] ConfigBytes,
    ImageConfig Config,
    IReadOnlyList<Descriptor> Layers,
    IReadOnlyList<byte[]> LayerTars)
{
    public Descriptor ConfigDescriptor => Manifest.Image!.Config;

    public IReadOnlyList<Digest> DiffIds => Config.RootFs.DiffIds;
}
