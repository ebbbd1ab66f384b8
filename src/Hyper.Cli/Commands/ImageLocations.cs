using System.CommandLine;

using Hyper.Build.Images;
using Hyper.Distribution;
using Hyper.Distribution.Content;
using Hyper.Distribution.Destinations;
using Hyper.Distribution.Registry;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Cli.Commands;

/// <summary>
/// Opens the sources and destinations a command names with skopeo's transport names, and owns what reading them
/// needs until the command ends: the registry client, the scratch directories archives are unpacked into, and the
/// local store (<c>hyperbuild-storage:</c>, of the command's <c>--root</c>) with the lock that keeps its blobs.
/// </summary>
/// <remarks>The store is in Hyper.Build, which Hyper.Distribution must not know: the transport is wired here.</remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ImageLocations(RegistryClient client, ParseResult parse) : IDisposable
{
    private readonly List<ScratchDirectory> _scratch = [];
    private ImageStore? _store;
    private AdvisoryLock? _storeInUse;

    public RegistryClient Client { get; } = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>
    /// The image at <paramref name="location"/>: streamed from the registry, read from the layout, or unpacked from
    /// the archive into a scratch directory. Throws <see cref="KeyNotFoundException"/> for a tag the layout lacks.
    /// </summary>
    public async Task<IImageContent> OpenSourceAsync(ImageLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        switch (location.Transport)
        {
            case ImageTransport.Registry:
                return await RegistryImageContent.OpenAsync(Client, location.Reference!, cancellationToken).ConfigureAwait(false);
            case ImageTransport.OciLayout:
                var layout = await OciLayout.OpenAsync(location.Path!, cancellationToken).ConfigureAwait(false);
                return new LayoutImageContent(layout, await layout.ResolveAsync(location.Tag, cancellationToken).ConfigureAwait(false));
            case ImageTransport.OciArchive:
                return await ArchiveImageContent.ReadOciArchiveAsync(location.Path!, location.Tag, NewScratch(), cancellationToken).ConfigureAwait(false);
            case ImageTransport.DockerArchive:
                return await ArchiveImageContent.ReadDockerArchiveAsync(location.Path!, location.Tag, NewScratch(), cancellationToken).ConfigureAwait(false);
            case ImageTransport.LocalStore:
                var store = await OpenStoreAsync(cancellationToken).ConfigureAwait(false);
                var stored = await store.FindAsync(location.Tag!, cancellationToken).ConfigureAwait(false)
                    ?? throw new KeyNotFoundException($"no such image in the local store: {location.Tag} (hyperbuild images lists them)");
                return new LayoutImageContent(store.Layout, stored.Manifest);
            default:
                throw new NotSupportedException($"{location} cannot be read");
        }
    }

    /// <summary>The destination <paramref name="location"/> names.</summary>
    public async Task<IImageDestination> CreateDestinationAsync(ImageLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Transport switch
        {
            ImageTransport.OciLayout => new OciLayoutDestination(location.Path!, location.Tag),
            ImageTransport.OciArchive => new OciArchiveDestination(location.Path!, location.Tag),
            ImageTransport.DockerArchive => new DockerArchiveDestination(location.Path!, location.Tag is { } name ? [RepoTagOf(name)] : []),
            ImageTransport.LocalStore => new ImageStoreDestination(await OpenStoreAsync(cancellationToken).ConfigureAwait(false), [StoreNameOf(location)]),
            _ => new RegistryDestination(new ImagePusher(Client), location.Reference!),
        };
    }

    public void Dispose()
    {
        _storeInUse?.Dispose();
        foreach (var directory in _scratch)
        {
            directory.Dispose();
        }

        Client.Dispose();
    }

    /// <summary>docker archives name images as docker shows them: <c>app:1.0</c> for docker.io/library/app:1.0.</summary>
    private static string RepoTagOf(string name)
    {
        var reference = Reference.Parse(name);
        return (reference.Tag is null ? reference.WithTag(Reference.DefaultTag) : reference).ToFamiliarString();
    }

    /// <summary>The name an image gets in the store: a reference, with <c>latest</c> when it has no tag, as pull names it.</summary>
    private static Reference StoreNameOf(ImageLocation location)
    {
        if (!Reference.TryParse(location.Tag!, out var reference, out var error))
        {
            throw new FormatException($"'{location}' cannot name an image written to the local store: {error}");
        }

        return reference!.Tag is null && reference.Digest is null ? reference.WithTag(Reference.DefaultTag) : reference;
    }

    /// <summary>The store of <c>--root</c>, opened once, held in use (garbage collection waits) until the command ends.</summary>
    private async Task<ImageStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            _storeInUse ??= await DataRoot.LockForUseAsync(parse, cancellationToken).ConfigureAwait(false);
            _store = await DataRoot.OpenImagesAsync(parse, cancellationToken).ConfigureAwait(false);
        }

        return _store;
    }

    private ScratchDirectory NewScratch()
    {
        var directory = ScratchDirectory.Create();
        _scratch.Add(directory);
        return directory;
    }
}
