using Hyper.Build.Context;
using Hyper.Build.Engine;

namespace Hyper.Build.Tests.Engine;

public sealed class BuildRequestTests : IDisposable
{
    private readonly TempDirectory _context = new();

    public BuildRequestTests()
    {
        File.WriteAllText(_context.Combine("Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Jobs_default_to_the_number_of_processors()
    {
        var request = new BuildRequest { Context = BuildContext.FromDirectory(_context.Path) };

        Assert.Equal(Environment.ProcessorCount, request.Jobs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Jobs_below_1_are_refused(int jobs)
    {
        var context = BuildContext.FromDirectory(_context.Path);

        Assert.Throws<ArgumentOutOfRangeException>(() => new BuildRequest { Context = context, Jobs = jobs });
    }
}
