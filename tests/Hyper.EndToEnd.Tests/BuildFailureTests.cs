using System.Formats.Tar;

namespace Hyper.EndToEnd.Tests;

/// <summary>Bad input fails with an error that says what and where, leaves nothing mounted and writes nothing outside the build.</summary>
public sealed class BuildFailureTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _workspace = new(busybox);

    // Outside every directory of the build: a step that escaped would write here.
    private readonly string _escapeTarget = Path.Combine(Path.GetTempPath(), $"hyper-e2e-escape-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _workspace.Dispose();
        if (Directory.Exists(_escapeTarget))
        {
            Directory.Delete(_escapeTarget, recursive: true);
        }

        File.Delete(_escapeTarget);
    }

    [Fact]
    public async Task A_failing_RUN_names_the_line_and_exit_code_and_shows_the_end_of_its_output()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN echo preparing
            RUN echo about to fail && echo details on stderr >&2 && exit 7
            """);

        var result = await _workspace.BuildAsync("-t", "app:failing");

        Assert.Equal(1, result.ExitCode);
        var error = result.Error.Split('\n').Last(static l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Contains("Dockerfile:3", error, StringComparison.Ordinal);
        Assert.Contains("exit code: 7", error, StringComparison.Ordinal);
        Assert.Contains("  about to fail", result.Error.Split('\n'));
        Assert.Contains("  details on stderr", result.Error.Split('\n'));
        Assert.Null(await FindImageAsync("app:failing"));
    }

    [Fact]
    public async Task COPY_of_a_missing_file_names_the_line_and_the_file()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            COPY missing.txt /missing.txt
            """);

        var result = await _workspace.BuildAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Dockerfile:2", result.Error, StringComparison.Ordinal);
        Assert.Contains("missing.txt", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADD_of_a_tar_with_parent_directory_entries_fails_and_writes_nothing_outside()
    {
        var relative = string.Concat(Enumerable.Repeat("../", 16)) + _escapeTarget.TrimStart('/');
        await WriteTarAsync(_workspace.Combine("context", "evil.tar"), ("ok.txt", "fine\n"), (relative, "escaped\n"));
        _workspace.WriteDockerfile("""
            FROM busybox
            ADD evil.tar /unpacked/
            """);

        var result = await _workspace.BuildAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Dockerfile:2", result.Error, StringComparison.Ordinal);
        Assert.Contains("..", result.Error, StringComparison.Ordinal);
        Assert.False(Path.Exists(_escapeTarget), $"{_escapeTarget} was written on the host");
    }

    [Fact]
    public async Task COPY_into_a_symlink_that_points_outside_the_rootfs_is_refused_and_writes_nothing_outside()
    {
        var climb = string.Concat(Enumerable.Repeat("../", 16)) + _escapeTarget.TrimStart('/');
        _workspace.WriteDockerfile($"""
            FROM busybox
            RUN ln -s {climb} /out
            COPY f /out/
            """);
        _workspace.WriteFile("f", "inside\n");

        var result = await _workspace.BuildAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Dockerfile:3", result.Error, StringComparison.Ordinal);
        Assert.Contains("points outside the root filesystem", result.Error, StringComparison.Ordinal);
        Assert.False(Path.Exists(_escapeTarget), $"{_escapeTarget} was written on the host");
    }

    [Fact]
    public async Task A_USER_that_is_not_in_etc_passwd_fails_the_first_step_that_needs_it_naming_its_line()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            USER ghost
            RUN true
            """);

        var result = await _workspace.BuildAsync();

        Assert.Equal(1, result.ExitCode);
        var error = result.Error.Split('\n').Last(static l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Contains("Dockerfile:3", error, StringComparison.Ordinal);
        Assert.Contains("unable to find user ghost", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WORKDIR_through_a_symlink_that_points_outside_the_rootfs_is_refused_and_creates_nothing_outside()
    {
        var climb = string.Concat(Enumerable.Repeat("../", 16)) + _escapeTarget.TrimStart('/');
        _workspace.WriteDockerfile($"""
            FROM busybox
            RUN ln -s {climb} /w
            WORKDIR /w/sub
            """);

        var result = await _workspace.BuildAsync();

        Assert.Equal(1, result.ExitCode);
        var error = result.Error.Split('\n').Last(static l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Contains("Dockerfile:3", error, StringComparison.Ordinal);
        Assert.Contains("points outside the root filesystem", error, StringComparison.Ordinal);
        Assert.False(Path.Exists(_escapeTarget), $"{_escapeTarget} was created on the host");
    }

    [Fact]
    public async Task A_named_context_layout_that_does_not_exist_is_a_clear_error()
    {
        var missing = _workspace.Combine("no-such-layout");
        _workspace.WriteDockerfile("""
            FROM base
            RUN true
            """);

        var result = await _workspace.BuildAsync("--build-context", $"base=oci-layout://{missing}:latest");

        Assert.Equal(1, result.ExitCode);
        var error = result.Error.Split('\n').Last(static l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Contains("Dockerfile:1", error, StringComparison.Ordinal);
        Assert.Contains($"--build-context base=oci-layout://{missing}:latest", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing), "the build created the missing layout");
    }

    [Fact]
    public async Task A_named_context_layout_without_the_tag_names_the_tags_it_has()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            COPY --from=tools /bin/busybox /busybox
            """);

        var result = await _workspace.BuildAsync("--build-context", $"tools=oci-layout://{busybox.LayoutDirectory}:no-such-tag");

        Assert.Equal(1, result.ExitCode);
        var error = result.Error.Split('\n').Last(static l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Contains("Dockerfile:2", error, StringComparison.Ordinal);
        Assert.Contains("no-such-tag", error, StringComparison.Ordinal);
        Assert.Contains(BusyboxBaseImage.Tag, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_context_directory_that_does_not_exist_is_a_clear_error()
    {
        var missing = _workspace.Combine("no-such-directory");
        _workspace.WriteDockerfile("""
            FROM busybox
            COPY --from=files a.txt /
            """);

        var result = await _workspace.BuildAsync("--build-context", $"files={missing}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_image_that_is_not_in_the_store_is_a_clear_error()
    {
        _workspace.WriteDockerfile("FROM example.com/not/here:1\n");

        var result = await _workspace.BuildAsync();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("example.com/not/here:1", result.Error, StringComparison.Ordinal);
    }

    private async Task<BuiltImage?> FindImageAsync(string name)
    {
        try
        {
            return await _workspace.ReadImageAsync(name);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task WriteTarAsync(string path, params (string Name, string Content)[] files)
    {
        await using var stream = File.Create(path);
        await using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        foreach (var (name, content) in files)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            await writer.WriteEntryAsync(entry);
        }
    }
}
