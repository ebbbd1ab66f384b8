// The commands under test run containers with Linux mounts and namespaces.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
