using System.Text;
using System.Text.Json;

namespace Hyper.Oci.Tests;

public sealed class ImageConfigTests
{
    /// <summary>A config as docker writes one, with Docker-only fields the spec does not name.</summary>
    private const string DockerStyleConfig = """
        {"architecture":"amd64","config":{"Hostname":"","Env":["PATH=/usr/bin"],"Cmd":["sh"],
        "Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Retries":3},
        "OnBuild":["RUN echo hi"],"Shell":["/bin/ash","-c"],"StopSignal":"SIGQUIT",
        "ExposedPorts":{"80/tcp":{}},"Volumes":{"/data":{}},"WorkingDir":"/srv","Labels":{"a":"b"},"User":"1000:1000"},
        "container":"3f1e","created":"2024-05-01T10:20:30.123456789Z","docker_version":"24.0.7",
        "history":[{"created":"2024-05-01T10:20:30Z","created_by":"/bin/sh -c #(nop) ADD file","empty_layer":false},
        {"created":"2024-05-01T10:20:31Z","created_by":"CMD [\"sh\"]","empty_layer":true}],
        "os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]}}
        """;

    [Fact]
    public void Docker_config_parses_every_field()
    {
        var config = ImageConfig.Parse(Encoding.UTF8.GetBytes(DockerStyleConfig));

        Assert.Equal("amd64", config.Architecture);
        Assert.Equal("linux", config.OS);
        Assert.Equal(["CMD-SHELL", "true"], config.Config!.Healthcheck!.Test!);
        Assert.Equal(30_000_000_000, config.Config.Healthcheck.IntervalNanoseconds);
        Assert.Equal(3, config.Config.Healthcheck.Retries);
        Assert.Equal(["RUN echo hi"], config.Config.OnBuild!);
        Assert.Equal(["/bin/ash", "-c"], config.Config.Shell!);
        Assert.Equal("SIGQUIT", config.Config.StopSignal);
        Assert.Contains("80/tcp", config.Config.ExposedPorts!.Keys);
        Assert.Contains("/data", config.Config.Volumes!.Keys);
        Assert.Equal("/srv", config.Config.WorkingDir);
        Assert.Equal("1000:1000", config.Config.User);
        Assert.True(config.History![1].EmptyLayer);
        Assert.Single(config.RootFs.DiffIds);
        Assert.Equal("24.0.7", config.UnknownFields!["docker_version"].GetString());
        // .NET keeps time in 100 ns ticks: Go's nanoseconds are rounded to the nearest tick.
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1234568), config.Created);
    }

    [Fact]
    public void Written_config_keeps_docker_only_fields_and_writes_empty_objects_for_ports()
    {
        var config = ImageConfig.Parse(Encoding.UTF8.GetBytes(DockerStyleConfig));

        using var written = JsonDocument.Parse(config.ToJson());

        var root = written.RootElement;
        Assert.Equal("24.0.7", root.GetProperty("docker_version").GetString());
        Assert.Equal("{}", root.GetProperty("config").GetProperty("ExposedPorts").GetProperty("80/tcp").GetRawText());
        Assert.Equal("", root.GetProperty("config").GetProperty("Hostname").GetString());
        Assert.Equal(JsonValueKind.False, root.GetProperty("history")[0].GetProperty("empty_layer").ValueKind);
    }

    [Theory]
    [InlineData(0, "2024-05-01T10:20:30Z")]
    [InlineData(1_000_000, "2024-05-01T10:20:30.1Z")]
    [InlineData(1_234_567, "2024-05-01T10:20:30.1234567Z")]
    public void Times_are_written_in_utc_like_go_writes_them(long ticks, string expected)
    {
        var local = new DateTimeOffset(2024, 5, 1, 12, 20, 30, TimeSpan.FromHours(2)).AddTicks(ticks);

        Assert.Equal(expected, Rfc3339JsonConverter.Format(local));
    }

    [Fact]
    public void Config_without_rootfs_is_rejected()
    {
        var error = Assert.Throws<InvalidOciDocumentException>(() => ImageConfig.Parse("""{"architecture":"amd64","os":"linux"}"""u8));

        Assert.Contains("rootfs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_with_a_bad_diff_id_is_rejected()
    {
        Assert.Throws<InvalidOciDocumentException>(() => ImageConfig.Parse(
            """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:nothex"]}}"""u8));
    }

    [Fact]
    public void Platform_of_a_config_carries_architecture_os_and_variant()
    {
        var config = new ImageConfig
        {
            Architecture = "arm",
            OS = "linux",
            Variant = "v7",
            RootFs = new RootFs { DiffIds = [] },
        };

        Assert.Equal("linux/arm/v7", config.Platform.ToString());
    }
}
