using Hyper.Distribution;
using Hyper.Distribution.Content;
using Hyper.Distribution.Destinations;
using Hyper.Distribution.Registry;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Cli.Commands;

/// <summary>
/// Opens the sources and destinations a command names with skopeo's transport names, and owns what reading them
/// needs until the command ends: the registry client and the scratch directories archives are unpacked into.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ImageLocations(RegistryClient client) : IDisposable
{
    private readonly List<ScratchDirectory> _scratch = [];

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
            default:
                throw new NotSupportedException($"{location} cannot be read");
        }
    }

    /// <summary>The destination <paramref name="location"/> names.</summary>
    public IImageDestination CreateDestination(ImageLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Transport switch
        {
            ImageTransport.OciLayout => new OciLayoutDestination(location.Path!, location.Tag),
            ImageTransport.OciArchive => new OciArchiveDestination(location.Path!, location.Tag),
            ImageTransport.DockerArchive => new DockerArchiveDestination(location.Path!, location.Tag is { } name ? [RepoTagOf(name)] : []),
            _ => new RegistryDestination(new ImagePusher(Client), location.Reference!),
        };
    }

    public void Dispose()
    {
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

    private ScratchDirectory NewScratch()
    {
        var directory = ScratchDirectory.Create();
        _scratch.Add(directory);
        return directory;
    }
}
