// hyperbuild builds with Linux mounts, namespaces and runc; these tests run it for real.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each test class builds in its own --root; the classes run in parallel, the tests of a class in order.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass)]
