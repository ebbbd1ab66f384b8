// Credential helpers, file modes and the registry peers these tests drive are Linux tools.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
