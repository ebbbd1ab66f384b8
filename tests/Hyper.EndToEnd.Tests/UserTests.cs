using System.Formats.Tar;

namespace Hyper.EndToEnd.Tests;

public sealed class UserTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private const UnixFileMode Mode0640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly BuildWorkspace _workspace = new(busybox);

    // Debian's busybox-static has no adduser; a user is a line in /etc/passwd all the same.

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task USER_is_resolved_through_etc_passwd_and_RUN_runs_and_creates_files_as_that_user()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN echo 'app:x:1234:1234::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1234:' >> /etc/group
            USER app
            RUN id && touch /tmp/made-by-app
            """);

        var result = await _workspace.BuildSucceedsAsync("-t", "app:user");

        Assert.Contains("uid=1234(app) gid=1234(app)", result.Error, StringComparison.Ordinal);
        var image = await _workspace.ReadImageAsync("app:user");
        Assert.Equal("app", image.ContainerConfig.User);
        var made = Assert.Single(await image.ReadTopLayerAsync(), static e => e.Name == "tmp/made-by-app");
        Assert.Equal((1234, 1234), (made.Uid, made.Gid));
    }

    [Fact]
    public async Task USER_given_as_numbers_needs_no_passwd_entry()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            USER 4321:4322
            RUN id -u > /tmp/uid && id -g > /tmp/gid
            """);

        var rootfs = await _workspace.BuildRootFileSystemAsync();

        Assert.Equal("4321\n", File.ReadAllText(Path.Combine(rootfs, "tmp/uid")));
        Assert.Equal("4322\n", File.ReadAllText(Path.Combine(rootfs, "tmp/gid")));
    }

    [Fact]
    public async Task COPY_chown_names_resolve_through_the_image_and_chmod_sets_the_mode()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN echo 'app:x:1234:1234::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1234:' >> /etc/group && echo 'staff:x:2345:' >> /etc/group
            COPY --chown=app:staff --chmod=640 secret.txt /srv/secret.txt
            COPY --chown=77:88 --chmod=755 tool.sh /srv/bin/
            """);
        _workspace.WriteFile("secret.txt", "s3cret\n");
        _workspace.WriteFile("tool.sh", "#!/bin/sh\necho tool\n");

        await _workspace.BuildSucceedsAsync("-t", "app:chown");

        var image = await _workspace.ReadImageAsync("app:chown");
        var secret = Assert.Single(await image.ReadLayerAsync(image.Layers[^2]), static e => e.Name == "srv/secret.txt");
        Assert.Equal((1234, 2345, Mode0640), (secret.Uid, secret.Gid, secret.Mode));
        Assert.Equal("s3cret\n", secret.Text);
        var tool = Assert.Single(await image.ReadTopLayerAsync(), static e => e.Name == "srv/bin/tool.sh");
        Assert.Equal((77, 88, (UnixFileMode)0b111_101_101), (tool.Uid, tool.Gid, tool.Mode));
        Assert.Equal(TarEntryType.RegularFile, tool.Type);
    }

    [Fact]
    public async Task WORKDIR_is_created_and_owned_by_the_current_user()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN echo 'app:x:1234:1234::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1234:' >> /etc/group
            USER app
            WORKDIR /work/area
            RUN touch made-here
            """);

        await _workspace.BuildSucceedsAsync("-t", "app:workdir");

        var image = await _workspace.ReadImageAsync("app:workdir");
        var workdir = Assert.Single(await image.ReadLayerAsync(image.Layers[^2]), static e => e.Name.TrimEnd('/') == "work/area");
        Assert.Equal((1234, 1234), (workdir.Uid, workdir.Gid));
        Assert.Contains(await image.ReadTopLayerAsync(), static e => e.Name == "work/area/made-here" && e.Uid == 1234);
    }
}
