namespace Hyper.Testing.Registry;

/// <summary>One <see cref="DistributionRegistry"/> shared by the tests of a class; each test uses its own repository names.</summary>
public sealed class DistributionRegistryFixture : IAsyncLifetime
{
    private DistributionRegistry? _registry;

    public DistributionRegistry Registry => _registry ?? throw new InvalidOperationException("registry not started");

    public async Task InitializeAsync() => _registry = await DistributionRegistry.StartAsync();

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }
}
