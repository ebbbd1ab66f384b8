using System.IO.Pipelines;

using Hyper.Build.Execution;
using Hyper.Build.Images;
using Hyper.Build.Layers;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Engine;

internal sealed partial class BuildSession
{
    /// <summary>Makes sure every one of <paramref name="layers"/> (with their DiffIDs) is unpacked in the snapshot store.</summary>
    private Task EnsureUnpackedAsync(IReadOnlyList<Descriptor> layers, IReadOnlyList<Digest> diffIds, CancellationToken cancellationToken) =>
        builder.Snapshots.EnsureLayersAsync(builder.Images.Layout, layers, diffIds, cancellationToken);

    /// <summary>
    /// A writable snapshot over <paramref name="state"/>'s layers, unpacking those not unpacked yet: layers taken
    /// from the cache are unpacked only when a step has to run on them (or read from them), never for a rebuild
    /// that runs nothing.
    /// </summary>
    private async Task<ISnapshot> MountAsync(StageState state, CancellationToken cancellationToken)
    {
        await EnsureUnpackedAsync(state.Layers, state.DiffIds, cancellationToken).ConfigureAwait(false);
        return builder.Snapshots.Mount(state.DiffIds);
    }

    /// <summary>
    /// Turns what a step changed (the snapshot's upper directory) into a layer in the image store and adds it
    /// to the stage; a step that changed nothing adds only a history entry, as BuildKit does.
    /// </summary>
    private async Task CommitAsync(StageState state, ISnapshot snapshot, string createdBy, CancellationToken cancellationToken)
    {
        snapshot.Unmount();
        if (!Directory.EnumerateFileSystemEntries(snapshot.Upper).Any())
        {
            SnapshotStore.Discard(snapshot);
            AddHistory(state, createdBy, emptyLayer: true);
            return;
        }

        var mediaType = MediaTypes.LayerType(request.Compression, docker: request.Format == ManifestFormat.Docker);

        // The tar is written into a pipe the store reads from: one pass over the files, no temporary copy of the layer.
        var pipe = new Pipe();
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    var blob = await LayerWriter.WriteAsync(snapshot.Upper, pipe.Writer.AsStream(leaveOpen: true), request.Compression, _epoch, cancellationToken)
                        .ConfigureAwait(false);
                    await pipe.Writer.CompleteAsync().ConfigureAwait(false);
                    return blob;
                }
                catch (Exception e)
                {
                    await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                    throw;
                }
            },
            cancellationToken);
        Descriptor descriptor;
        await using (var reader = pipe.Reader.AsStream())
        {
            descriptor = await builder.Images.Layout.WriteBlobAsync(reader, mediaType, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var layer = await writing.ConfigureAwait(false)
            ?? throw new InvalidOperationException("the layer writer found nothing in a non-empty upper directory");
        if (layer.Digest != descriptor.Digest)
        {
            throw new DigestMismatchException(layer.Digest, descriptor.Digest, "the layer stored is not the layer written");
        }

        builder.Snapshots.Commit(snapshot, layer.DiffId);
        state.Layers.Add(descriptor);
        state.DiffIds.Add(layer.DiffId);
        AddHistory(state, createdBy, emptyLayer: false);
    }

    /// <summary>
    /// An image from an OCI layout (<c>--build-context NAME=oci-layout://DIR[:TAG]</c>): its blobs are copied
    /// into the image store, without a name there, and its layers unpacked when a step needs them.
    /// </summary>
    private async Task<StoredImage> ImportLayoutAsync(string directory, string? tag, Platform platform, CancellationToken cancellationToken)
    {
        var layout = await OciLayout.OpenAsync(directory, cancellationToken).ConfigureAwait(false);
        Manifest manifest;
        if (tag is not null && tag.StartsWith('@'))
        {
            var digest = Digest.Parse(tag[1..]);
            var index = await layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            var entry = index.Manifests.FirstOrDefault(d => d.Digest == digest)
                ?? new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = new FileInfo(layout.GetBlobPath(digest)).Length };
            manifest = await layout.ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            manifest = await layout.ResolveAsync(tag, cancellationToken).ConfigureAwait(false);
        }

        if (manifest.Index is { } imageIndex)
        {
            var chosen = imageIndex.Manifests.FirstOrDefault(d => d.Platform is { } p && p.OS == platform.OS && p.Architecture == platform.Architecture)
                ?? throw new BuildFailedException($"the image in {directory} has no manifest for {platform}");
            manifest = await layout.ReadManifestAsync(chosen, cancellationToken).ConfigureAwait(false);
        }

        foreach (var blob in manifest.Blobs)
        {
            var source = layout.OpenBlob(blob);
            await using (source.ConfigureAwait(false))
            {
                await builder.Images.Layout.WriteBlobAsync(source, blob.MediaType, blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
            }
        }

        await builder.Images.Layout.WriteBlobAsync(manifest.Bytes, manifest.MediaType, cancellationToken).ConfigureAwait(false);
        var config = await builder.Images.ReadConfigAsync(manifest, cancellationToken).ConfigureAwait(false);
        return new StoredImage(null, manifest.ToDescriptor(), manifest, config);
    }
}
