using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Registry;

public sealed class RegistryEndpointTests
{
    [Theory]
    [InlineData("docker.io", "https://registry-1.docker.io/")]
    [InlineData("ghcr.io", "https://ghcr.io/")]
    [InlineData("example.com:8443", "https://example.com:8443/")]
    [InlineData("localhost:5000", "http://localhost:5000/")]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("[::1]:5000", "http://[::1]:5000/")]
    [InlineData("localhost", "http://localhost/")]
    public void Loopback_registries_use_plain_http_and_docker_hub_its_api_host(string registry, string expected)
    {
        Assert.Equal(new Uri(expected), RegistryEndpoint.Resolve(registry).BaseAddress);
    }

    [Theory]
    [InlineData("registry.local:5000")]
    [InlineData("registry.local")]
    public void Insecure_registries_match_by_host_or_host_and_port(string listed)
    {
        var endpoint = RegistryEndpoint.Resolve("registry.local:5000", [listed]);

        Assert.Equal(new Uri("http://registry.local:5000/"), endpoint.BaseAddress);
        Assert.True(endpoint.IsInsecure);
    }

    [Fact]
    public void Api_addresses_escape_nothing_in_the_repository_path()
    {
        var endpoint = RegistryEndpoint.Resolve("127.0.0.1:5000");

        Assert.Equal(
            new Uri("http://127.0.0.1:5000/v2/examples/busybox/manifests/latest"),
            endpoint.ApiUri("examples/busybox", "manifests", "latest"));
    }
}
