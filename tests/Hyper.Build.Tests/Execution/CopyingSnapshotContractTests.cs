using Hyper.Build.Execution;

namespace Hyper.Build.Tests.Execution;

/// <summary>The snapshot contract on plain copies, the fallback where overlayfs does not mount.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CopyingSnapshotContractTests() : SnapshotContractTests(Snapshotter.Copy);
