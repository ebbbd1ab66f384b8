namespace Hyper.Testing.Registry;

/// <summary>One running registry shared by the tests of a class; each test uses its own repository names.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private RunningRegistry? _registry;

    public RunningRegistry Registry => _registry ?? throw new InvalidOperationException("registry not started");

    public async Task InitializeAsync() => _registry = await RunningRegistry.StartAsync();

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }
}
