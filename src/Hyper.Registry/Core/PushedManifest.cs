using Hyper.Registry.Metadata;

namespace Hyper.Registry.Core;

/// <summary>A manifest the registry accepted, and the tags that now point at it.</summary>
public sealed record PushedManifest(ManifestRecord Record, IReadOnlyList<string> Tags);
