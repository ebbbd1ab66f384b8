// The snapshot store and the local exporter mount overlayfs and write Unix modes, owners and devices.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
