using Hyper.Build.Files;

namespace Hyper.Build.Tests.Files;

public sealed class UserDatabaseTests
{
    private static readonly UserDatabase Database = UserDatabase.Parse(
        """
        root:x:0:0:root:/root:/bin/sh
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        app:x:1000:1001:App:/home/app:/bin/sh
        """,
        """
        root:x:0:
        daemon:x:1:
        appgroup:x:1001:
        docker:x:999:app,other
        audio:x:29:app
        """);

    [Theory]
    [InlineData("", 0u, 0u, "", "/root")]
    [InlineData("root", 0u, 0u, "", "/root")]
    [InlineData("app", 1000u, 1001u, "999,29", "/home/app")]
    [InlineData("1000", 1000u, 1001u, "999,29", "/home/app")]
    [InlineData("4242", 4242u, 0u, "", "/")]
    [InlineData("app:docker", 1000u, 999u, "", "/home/app")]
    [InlineData("app:77", 1000u, 77u, "", "/home/app")]
    [InlineData("4242:4343", 4242u, 4343u, "", "/")]
    [InlineData("daemon:appgroup", 1u, 1001u, "", "/usr/sbin")]
    [InlineData("app:docker:ignored", 1000u, 999u, "", "/home/app")]
    public void User_resolution_matches_docker(string spec, uint uid, uint gid, string additional, string home)
    {
        var user = Database.ResolveUser(spec);

        Assert.Equal(uid, user.Uid);
        Assert.Equal(gid, user.Gid);
        Assert.Equal(additional, string.Join(',', user.AdditionalGids));
        Assert.Equal(home, user.Home);
    }

    [Theory]
    [InlineData("nobody", "unable to find user nobody: no matching entries in passwd file")]
    [InlineData("app:nogroup", "unable to find group nogroup: no matching entries in group file")]
    public void Unknown_names_are_errors_like_dockers(string spec, string message)
    {
        var error = Assert.Throws<FileCopyException>(() => Database.ResolveUser(spec));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("app", 1000u, 1001u)]
    [InlineData("1234", 1234u, 1234u)]
    [InlineData("1000", 1000u, 1000u)]
    [InlineData("app:docker", 1000u, 999u)]
    [InlineData("1234:55", 1234u, 55u)]
    [InlineData("4242:appgroup", 4242u, 1001u)]
    public void Chown_follows_buildkit(string spec, uint uid, uint gid)
    {
        var owner = Database.ResolveOwner(spec);

        Assert.Equal((uid, gid), (owner.Uid, owner.Gid));
    }

    [Fact]
    public void The_database_is_read_inside_the_root_through_its_links()
    {
        using var work = new TempDirectory();
        var root = work.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(root, "usr/etc"));
        File.WriteAllText(Path.Combine(root, "usr/etc/passwd"), "me:x:7:8::/home/me:/bin/sh\n");
        File.CreateSymbolicLink(Path.Combine(root, "etc"), "/usr/etc");

        var user = UserDatabase.FromRoot(root).ResolveUser("me");

        Assert.Equal((7u, 8u), (user.Uid, user.Gid));
    }
}
