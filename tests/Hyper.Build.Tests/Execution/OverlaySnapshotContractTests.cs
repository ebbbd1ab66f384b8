using Hyper.Build.Execution;

namespace Hyper.Build.Tests.Execution;

/// <summary>The snapshot contract on kernel overlayfs (the tests run as root).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OverlaySnapshotContractTests() : SnapshotContractTests(Snapshotter.Overlay);
