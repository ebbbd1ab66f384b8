using System.Security.Cryptography;
using System.Text;

namespace Hyper.EndToEnd.Tests;

public sealed class RunMountTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private const string SecretValue = "s3cr3t-Value-only-in-a-mount-4711";

    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_cache_mount_keeps_its_content_between_builds_and_stays_out_of_the_image()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=cache,target=/var/cache/app echo run >> /var/cache/app/runs && echo "runs=$(wc -l < /var/cache/app/runs)" && touch /marker
            """);

        var first = await _workspace.BuildSucceedsAsync("-t", "app:1");
        var rootfs = await _workspace.BuildRootFileSystemAsync("-t", "app:2", "--no-cache");

        Assert.Contains("runs=1", first.Output + first.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(rootfs, "marker")));
        Assert.False(Path.Exists(Path.Combine(rootfs, "var", "cache", "app")), "the cache mount's target is in the image");
        var image = await _workspace.ReadImageAsync("app:2");
        var layer = await image.ReadTopLayerAsync();
        Assert.DoesNotContain(layer, static e => e.Name.Contains("cache", StringComparison.Ordinal) || e.Text.Contains("run\n", StringComparison.Ordinal));
        var second = await _workspace.BuildSucceedsAsync("-t", "app:3", "--no-cache");
        Assert.Contains("runs=3", second.Output + second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cache_mount_from_a_stage_starts_as_a_copy_of_it_and_keeps_what_steps_add()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS seed
            RUN mkdir -p /deps && echo seeded > /deps/pkg
            FROM busybox
            RUN --mount=type=cache,target=/cache,from=seed,source=/deps cat /cache/pkg && echo added >> /cache/log && echo "lines=$(wc -l < /cache/log)"
            """);

        var first = await _workspace.BuildSucceedsAsync("-t", "app:1");
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2", "--no-cache-filter", "stage-1");

        Assert.Contains("seeded", first.Error, StringComparison.Ordinal);
        Assert.Contains("lines=1", first.Error, StringComparison.Ordinal);
        Assert.Contains("lines=2", second.Error, StringComparison.Ordinal);
        var image = await _workspace.ReadImageAsync("app:2");
        Assert.DoesNotContain(await image.ReadTopLayerAsync(), static e => e.Name.Contains("cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cache_mounts_seeded_from_different_paths_of_one_stage_are_different_caches()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS seed
            RUN mkdir -p /a /b && echo from-a > /a/f && echo from-b > /b/f
            FROM busybox
            RUN --mount=type=cache,target=/c,from=seed,source=/a cat /c/f
            RUN --mount=type=cache,target=/c,from=seed,source=/b cat /c/f
            """);

        var result = await _workspace.BuildSucceedsAsync("-t", "app:1");

        Assert.Contains(" from-a", result.Error, StringComparison.Ordinal);
        Assert.Contains(" from-b", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_is_readable_in_run_as_a_file_and_as_a_variable_and_its_bytes_are_in_no_blob()
    {
        var secretFile = _workspace.Combine("token.txt");
        File.WriteAllText(secretFile, SecretValue);
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=secret,id=token sha256sum /run/secrets/token && cp /run/secrets/token /dev/null && touch /marker
            RUN --mount=type=secret,id=token,env=TOKEN printf '%s' "$TOKEN" | sha256sum && echo "$TOKEN" > /dev/null
            """);

        var rootfs = _workspace.Combine("rootfs");
        var result = await _workspace.BuildSucceedsAsync("-t", "app:secret", "--secret", $"id=token,src={secretFile}", "-o", $"type=local,dest={rootfs}");

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SecretValue)));
        var output = result.Output + result.Error;
        Assert.True(output.Split(hash).Length >= 3, $"the secret's hash is not printed by both steps\n{result}");
        Assert.False(Path.Exists(Path.Combine(rootfs, "run", "secrets")), "the secret's mount point is in the image");
        Assert.True(File.Exists(Path.Combine(rootfs, "marker")));
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(_workspace.Root, "images", "blobs"), "*", SearchOption.AllDirectories))
        {
            var bytes = await BlobContent.ReadDecompressedAsync(blob);
            Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(SecretValue)) >= 0, $"the secret is in the blob {blob}");
        }
    }

    [Fact]
    public async Task A_required_secret_not_given_fails_the_build_naming_the_line()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=secret,id=absent,required=true cat /run/secrets/absent
            """);

        var result = await _workspace.BuildAsync("-t", "app:nosecret");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Dockerfile:2", result.Error, StringComparison.Ordinal);
        Assert.Contains("secret \"absent\" is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bind_mounts_from_the_context_and_from_a_stage_are_visible_to_the_step_only()
    {
        _workspace.WriteFile("data/hello.txt", "from-context\n");
        _workspace.WriteDockerfile("""
            FROM busybox AS tools
            RUN mkdir /tools && echo from-stage > /tools/greeting

            FROM busybox
            WORKDIR /work
            RUN --mount=type=bind,source=data,target=data --mount=type=bind,from=tools,source=/tools,target=/mnt/tools cat data/hello.txt /mnt/tools/greeting > /seen && (touch data/new 2>/dev/null && echo bind-writable || echo bind-read-only)
            RUN --mount=type=bind,source=data,target=/scribble,rw touch /scribble/new && ls /scribble
            """);

        var rootfs = _workspace.Combine("rootfs");
        var result = await _workspace.BuildSucceedsAsync("-t", "app:bind", "-o", $"type=local,dest={rootfs}");

        Assert.Equal("from-context\nfrom-stage\n", File.ReadAllText(Path.Combine(rootfs, "seen")));
        Assert.Contains("bind-read-only", result.Output + result.Error, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(rootfs, "work", "data")), "the bind mount's target is in the image");
        Assert.False(Path.Exists(Path.Combine(rootfs, "mnt", "tools")), "the bind mount's target is in the image");
        Assert.False(Path.Exists(Path.Combine(rootfs, "scribble")), "the rw bind mount's target is in the image");
        Assert.False(File.Exists(Path.Combine(_workspace.Context, "data", "new")), "a rw bind mount wrote into the context");
    }

    [Fact]
    public async Task A_bind_mount_from_an_image_and_an_rw_file_from_the_context_leave_the_image_and_the_context_alone()
    {
        _workspace.WriteFile("notes.txt", "context-note\n");
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=from=busybox,source=/bin,target=/opt/image-bin --mount=source=notes.txt,target=/notes,rw ls /opt/image-bin/busybox && echo changed >> /notes && cat /notes > /seen
            """);

        var rootfs = _workspace.Combine("rootfs");
        await _workspace.BuildSucceedsAsync("-t", "app:imagebind", "-o", $"type=local,dest={rootfs}");

        Assert.Equal("context-note\nchanged\n", File.ReadAllText(Path.Combine(rootfs, "seen")));
        Assert.Equal("context-note\n", File.ReadAllText(Path.Combine(_workspace.Context, "notes.txt")));
        Assert.False(Path.Exists(Path.Combine(rootfs, "opt")), "the bind mount's target is in the image");
        Assert.False(Path.Exists(Path.Combine(rootfs, "notes")), "the bind mount's target is in the image");
    }

    [Fact]
    public async Task A_bind_mount_of_the_context_hides_what_dockerignore_leaves_out()
    {
        _workspace.WriteFile(".dockerignore", "private.txt\n");
        _workspace.WriteFile("private.txt", "ignored\n");
        _workspace.WriteFile("public.txt", "shown\n");
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=target=/ctx cat /ctx/public.txt && (test -e /ctx/private.txt && echo ignored-visible || echo ignored-hidden)
            """);

        var result = await _workspace.BuildSucceedsAsync("-t", "app:ignore");

        Assert.Contains("ignored-hidden", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Contains("shown", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tmpfs_mount_is_a_tmpfs_and_leaves_nothing_in_the_image()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=tmpfs,target=/scratch,size=1m grep ' /scratch ' /proc/mounts && echo hi > /scratch/f && touch /marker
            """);

        var rootfs = _workspace.Combine("rootfs");
        var result = await _workspace.BuildSucceedsAsync("-t", "app:tmpfs", "-o", $"type=local,dest={rootfs}");

        Assert.Contains("tmpfs /scratch tmpfs", result.Output + result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(rootfs, "marker")));
        Assert.False(Path.Exists(Path.Combine(rootfs, "scratch")), "the tmpfs mount's target is in the image");
    }

    [Fact]
    public async Task A_secret_from_an_environment_variable_mounts_at_the_target_given()
    {
        var variable = $"HYPER_E2E_SECRET_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, SecretValue);
        try
        {
            _workspace.WriteDockerfile("""
                FROM busybox
                RUN --mount=type=secret,id=apikey,target=/etc/apikey sha256sum /etc/apikey && touch /marker
                """);

            var rootfs = _workspace.Combine("rootfs");
            var result = await _workspace.BuildSucceedsAsync("-t", "app:envsecret", "--secret", $"id=apikey,env={variable}", "-o", $"type=local,dest={rootfs}");

            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SecretValue)));
            Assert.Contains($"{hash}  /etc/apikey", result.Output + result.Error, StringComparison.Ordinal);
            Assert.False(Path.Exists(Path.Combine(rootfs, "etc", "apikey")), "the secret's mount point is in the image");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_new_locked_cache_gets_the_owner_and_mode_asked_for()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=cache,id=owned,target=/c,sharing=locked,uid=1000,gid=1001,mode=0700 stat -c 'cache=%u:%g:%a' /c
            """);

        var result = await _workspace.BuildSucceedsAsync("-t", "app:owned");

        Assert.Contains("cache=1000:1001:700", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ssh_mount_forwards_the_agent_socket_and_leaves_nothing_in_the_image()
    {
        using var agent = await SshAgent.StartAsync();
        var loader = await SshAgent.CopySshAddAsync(Path.Combine(_workspace.Context, "tools"));
        _workspace.WriteDockerfile($$"""
            FROM busybox
            RUN --mount=type=ssh --mount=target=/tools,source=tools test -S "$SSH_AUTH_SOCK" && echo "sock=$SSH_AUTH_SOCK" && stat -c 'socket=%a %u:%g' "$SSH_AUTH_SOCK" && /tools/{{loader}} --library-path /tools /tools/ssh-add -l && touch /marker
            """);

        var rootfs = _workspace.Combine("rootfs");
        var result = await _workspace.BuildSucceedsAsync("-t", "app:ssh", "--ssh", $"default={agent.Socket}", "-o", $"type=local,dest={rootfs}");

        var output = result.Output + result.Error;
        Assert.Contains("sock=/run/buildkit/ssh_agent.0", output, StringComparison.Ordinal);
        Assert.Contains("socket=600 0:0", output, StringComparison.Ordinal);
        Assert.Contains(SshAgent.KeyComment, output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(rootfs, "marker")));
        Assert.False(Path.Exists(Path.Combine(rootfs, "run")), "the ssh mount's target or /run/buildkit is in the image");
        var layer = await (await _workspace.ReadImageAsync("app:ssh")).ReadTopLayerAsync();
        Assert.DoesNotContain(layer, static e => e.Name.Contains("run", StringComparison.Ordinal) || e.Name.Contains("ssh", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ssh_mount_at_a_target_gets_the_owner_and_mode_asked_for_and_leaves_the_host_socket_alone()
    {
        using var agent = await SshAgent.StartAsync();
        var before = File.GetUnixFileMode(agent.Socket);
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=ssh,id=deploy,target=/tmp/agent.sock,uid=1000,gid=1001,mode=0660 stat -c 'socket=%a %u:%g' /tmp/agent.sock && echo "env=$SSH_AUTH_SOCK"
            """);

        var result = await _workspace.BuildSucceedsAsync("-t", "app:sshtarget", "--ssh", $"deploy={agent.Socket}");

        var output = result.Output + result.Error;
        Assert.Contains("socket=660 1000:1001", output, StringComparison.Ordinal);
        Assert.Contains("env=/tmp/agent.sock", output, StringComparison.Ordinal);
        Assert.Equal(before, File.GetUnixFileMode(agent.Socket));
    }

    [Fact]
    public async Task A_required_ssh_agent_not_given_fails_the_build_naming_the_line()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=ssh,required=true true
            """);

        var result = await _workspace.BuildAsync("-t", "app:nossh");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Dockerfile:2", result.Error, StringComparison.Ordinal);
        Assert.Contains("ssh agent \"default\" is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ssh_agent_not_given_and_not_required_is_left_out()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN --mount=type=ssh,id=absent test ! -e /run/buildkit/ssh_agent.0 && echo no-agent
            """);

        var result = await _workspace.BuildSucceedsAsync("-t", "app:optionalssh");

        Assert.Contains("no-agent", result.Output + result.Error, StringComparison.Ordinal);
    }

}
