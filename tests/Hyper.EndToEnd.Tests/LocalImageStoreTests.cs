using Hyper.Testing.Registry;

namespace Hyper.EndToEnd.Tests;

/// <summary>
/// Base images from a registry (pulled through hyperbuild's client into the local store) and the commands
/// over that store: images, run, rmi. The registry is a real hyperregistry on 127.0.0.1.
/// </summary>
public sealed class LocalImageStoreTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_base_image_is_pulled_from_its_registry_once_and_kept_in_the_store_under_its_name()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var baseImage = $"{registry.HostAndPort}/base/busybox:1";
        await PushBusyboxAsync(baseImage);
        _workspace.WriteDockerfile($"FROM {baseImage}\nRUN echo built > /built.txt\nCMD [\"cat\", \"/built.txt\"]\n");

        var first = await _workspace.BuildSucceedsAsync("-t", "app:1");
        var images = await Hyperbuild.RunAsync("--root", _workspace.Root, "images");
        await registry.DisposeAsync();
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2");

        Assert.Contains($"load metadata for {baseImage}", first.Error, StringComparison.Ordinal);
        Assert.Contains($"{registry.HostAndPort}/base/busybox", images.Output, StringComparison.Ordinal);
        Assert.True(second.Succeeded, "with the registry gone the base comes from the store");
        var built = await _workspace.ReadImageAsync("app:2");
        var pushed = await busybox.ReadConfigAsync();
        Assert.Equal(pushed.RootFs.DiffIds, built.Config.RootFs.DiffIds.Take(pushed.RootFs.DiffIds.Count));
    }

    [Fact]
    public async Task An_image_that_is_nowhere_fails_the_build_naming_it()
    {
        await using var registry = await RunningRegistry.StartAsync();
        _workspace.WriteDockerfile($"FROM {registry.HostAndPort}/missing/image:1\nRUN true\n");

        var result = await _workspace.BuildAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{registry.HostAndPort}/missing/image:1", result.Error, StringComparison.Ordinal);
        Assert.Contains("manifest unknown", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_runs_the_image_with_its_config_and_a_command_given_replaces_cmd()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            ENV GREETING=hello
            WORKDIR /work
            CMD ["sh", "-c", "echo $GREETING from $(pwd)"]
            """);
        await _workspace.BuildSucceedsAsync("-t", "greeter");

        var byCmd = await Hyperbuild.RunAsync("--root", _workspace.Root, "run", "greeter");
        var byCommand = await Hyperbuild.RunAsync("--root", _workspace.Root, "run", "-e", "GREETING=bye", "greeter", "sh", "-c", "echo $GREETING; exit 3");

        Assert.Equal(0, byCmd.ExitCode);
        Assert.Equal("hello from /work\n", byCmd.Output);
        Assert.Equal(3, byCommand.ExitCode);
        Assert.Equal("bye\n", byCommand.Output);
        Assert.Empty(MountTable.MountPointsUnder(_workspace.Root));
    }

    [Fact]
    public async Task Rmi_untags_and_deletes_the_blobs_no_image_needs()
    {
        _workspace.WriteDockerfile("FROM busybox\nRUN echo one > /one\n");
        await _workspace.BuildSucceedsAsync("-t", "one:1", "-t", "one:2");
        var blobs = Path.Combine(_workspace.Root, "images", "blobs", "sha256");
        var before = Directory.GetFiles(blobs).Length;

        var untag = await Hyperbuild.RunAsync("--root", _workspace.Root, "rmi", "one:1");
        var stillThere = await Hyperbuild.RunAsync("--root", _workspace.Root, "run", "one:2", "cat", "/one");
        var remove = await Hyperbuild.RunAsync("--root", _workspace.Root, "rmi", "one:2");
        var missing = await Hyperbuild.RunAsync("--root", _workspace.Root, "rmi", "one:2");

        Assert.Equal(0, untag.ExitCode);
        Assert.Equal("one\n", stillThere.Output);
        Assert.Equal(0, remove.ExitCode);
        Assert.True(Directory.GetFiles(blobs).Length < before, "the image's own layer and config are deleted");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such image: one:2", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Onbuild_triggers_of_a_base_image_run_first_in_a_build_on_it_and_are_not_inherited()
    {
        _workspace.WriteDockerfile("FROM busybox\nONBUILD RUN echo triggered > /trigger.txt\nONBUILD ENV FROM_TRIGGER=yes\n");
        await _workspace.BuildSucceedsAsync("-t", "with-triggers");
        _workspace.WriteDockerfile("FROM with-triggers\nRUN cat /trigger.txt; echo \"env $FROM_TRIGGER\"\n");

        var result = await _workspace.BuildSucceedsAsync("-t", "child");

        Assert.Contains("triggered", result.Error, StringComparison.Ordinal);
        Assert.Contains("env yes", result.Error, StringComparison.Ordinal);
        var child = await _workspace.ReadImageAsync("child");
        Assert.Null(child.Config.Config?.OnBuild);
    }

    [Fact]
    public async Task A_run_here_document_with_a_shebang_runs_as_a_script()
    {
        _workspace.WriteDockerfile("FROM busybox\nRUN <<EOF\n#!/bin/sh\necho \"script $0\"\nEOF\n");

        var result = await _workspace.BuildSucceedsAsync();

        Assert.Contains("script /dev/pipes/EOF", result.Error, StringComparison.Ordinal);
    }

    private async Task PushBusyboxAsync(string image) =>
        await ExternalProcess.RunCheckedAsync(
            "skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", $"oci:{busybox.LayoutDirectory}:{BusyboxBaseImage.Tag}", $"docker://{image}");
}
