using Hyper.Build.Files;

namespace Hyper.Build.Tests.Files;

public sealed class RootPathTests : IDisposable
{
    private readonly TempDirectory _work = new();
    private readonly string _root;

    public RootPathTests()
    {
        _root = Directory.CreateDirectory(_work.Combine("root")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "run"));
        Directory.CreateDirectory(Path.Combine(_root, "var"));
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public void Absolute_link_targets_start_again_at_the_root()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "var/run"), "/run");

        Assert.Equal(Path.Combine(_root, "run/x"), RootPath.Resolve(_root, "/var/run/x"));
    }

    [Fact]
    public void Dotdot_in_the_path_stops_at_the_root()
    {
        Assert.Equal(Path.Combine(_root, "etc"), RootPath.Resolve(_root, "/../../etc"));
    }

    [Fact]
    public void Relative_link_climbing_out_of_the_root_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), "../../..");

        var error = Assert.Throws<FileCopyException>(() => RootPath.Resolve(_root, "/escape/etc"));

        Assert.Contains("outside the root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Final_link_is_kept_when_asked()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "link"), "/run");

        Assert.Equal(Path.Combine(_root, "link"), RootPath.Resolve(_root, "/link", followFinalLink: false));
        Assert.Equal(Path.Combine(_root, "run"), RootPath.Resolve(_root, "/link"));
    }

    [Fact]
    public void Link_loops_stop_after_forty_hops()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(_root, "b"), "a");

        var error = Assert.Throws<FileCopyException>(() => RootPath.Resolve(_root, "/a/x"));

        Assert.Contains("too many levels", error.Message, StringComparison.Ordinal);
    }
}
