using System.Collections;
using System.Net;

using Hyper.Registry.Configuration;

namespace Hyper.Registry.Tests.Configuration;

public sealed class RegistryConfigurationTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void Defaults_listen_on_5000_store_under_data_and_refuse_deletes()
    {
        var options = RegistryConfiguration.Load(null, NoEnvironment);

        Assert.Equal(":5000", options.Http.Addr);
        Assert.Equal("./data", options.Storage.Filesystem.RootDirectory);
        Assert.False(options.Storage.Delete.Enabled);
        Assert.Equal("24h", options.Storage.Maintenance.UploadPurging.Age);
        Assert.Equal(4 * 1024 * 1024, options.Validation.Manifests.MaxSize);
    }

    [Fact]
    public void A_distribution_config_yml_is_read_and_its_unused_sections_ignored()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("config.yml");
        File.WriteAllText(path, """
            version: 0.1
            log:
              level: debug
              fields:
                service: registry
            storage:
              filesystem:
                rootdirectory: /var/lib/registry
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: true
                  age: 168h
                  interval: 24h
                  dryrun: false
              cache:
                blobdescriptor: inmemory
            http:
              addr: 127.0.0.1:5055
              headers:
                X-Content-Type-Options: [nosniff]
            health:
              storagedriver:
                enabled: true
            """);

        var options = RegistryConfiguration.Load(path, NoEnvironment);

        Assert.Equal("debug", options.Log.Level);
        Assert.Equal("/var/lib/registry", options.Storage.Filesystem.RootDirectory);
        Assert.True(options.Storage.Delete.Enabled);
        Assert.Equal("168h", options.Storage.Maintenance.UploadPurging.Age);
        Assert.Equal("127.0.0.1:5055", options.Http.Addr);
    }

    [Fact]
    public void Registry_environment_variables_override_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("config.yml");
        File.WriteAllText(path, "http:\n  addr: :5000\nstorage:\n  filesystem:\n    rootdirectory: /from/file\n");
        var environment = new Hashtable
        {
            ["REGISTRY_HTTP_ADDR"] = "127.0.0.1:6000",
            ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] = "/from/env",
            ["REGISTRY_STORAGE_DELETE_ENABLED"] = "true",
            ["REGISTRY_DATABASE_URL"] = "postgres://db/registry",
            ["REGISTRY_REDIS_URL"] = "redis://127.0.0.1:6379",
            ["UNRELATED"] = "ignored",
        };

        var options = RegistryConfiguration.Load(path, environment);

        Assert.Equal("127.0.0.1:6000", options.Http.Addr);
        Assert.Equal("/from/env", options.Storage.Filesystem.RootDirectory);
        Assert.True(options.Storage.Delete.Enabled);
        Assert.Equal("postgres://db/registry", options.Database.Url);
        Assert.Equal("redis://127.0.0.1:6379", options.Redis.Url);
    }

    [Theory]
    [InlineData("http:\n  addr: nonsense\n", "invalid listen address")]
    [InlineData("log:\n  level: loud\n", "log.level 'loud'")]
    [InlineData("storage:\n  maintenance:\n    uploadpurging:\n      age: forever\n", "invalid duration 'forever'")]
    [InlineData("storage:\n  delete:\n    enabled: maybe\n", "config.yml")]
    [InlineData("http: [unclosed\n", "invalid YAML")]
    [InlineData("- a\n- b\n", "must be a YAML mapping")]
    public void Invalid_configuration_is_refused_with_the_reason(string yaml, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("config.yml");
        File.WriteAllText(path, yaml);

        var error = Assert.ThrowsAny<Exception>(() => RegistryConfiguration.Load(path, NoEnvironment));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("24h", 24 * 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData("0", 0)]
    public void Go_durations_are_understood(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    public void Go_durations_with_small_units_are_understood(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("10")]
    [InlineData("10d")]
    public void Malformed_durations_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }

    [Theory]
    [InlineData(":5000", "0.0.0.0", 5000)]
    [InlineData("127.0.0.1:5055", "127.0.0.1", 5055)]
    [InlineData("[::1]:5000", "::1", 5000)]
    [InlineData("localhost:80", "127.0.0.1", 80)]
    public void Listen_addresses_are_read_as_distribution_writes_them(string text, string address, int port)
    {
        var listen = ListenAddress.Parse(text);

        Assert.Equal(IPAddress.Parse(address), listen.Address);
        Assert.Equal(port, listen.Port);
    }

    [Fact]
    public void Http_stall_limits_are_read_from_the_file_and_the_environment()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("config.yml");
        File.WriteAllText(path, """
            http:
              timeout:
                read: 30s
                write: 45s
                idle: 0
              mindatarate: 1024
            """);
        var environment = new Hashtable { ["REGISTRY_HTTP_MAXCONNECTIONS"] = "300", ["REGISTRY_HTTP_TIMEOUT_WRITE"] = "2m" };

        var options = RegistryConfiguration.Load(path, environment);
        var defaults = RegistryConfiguration.Load(null, NoEnvironment);

        Assert.Equal("30s", options.Http.Timeout.Read);
        Assert.Equal("2m", options.Http.Timeout.Write);
        Assert.Equal("0", options.Http.Timeout.Idle);
        Assert.Equal(1024, options.Http.MinDataRate);
        Assert.Equal(300, options.Http.MaxConnections);
        Assert.Equal(("30s", "30s", "2m", 240L, (long?)null), (defaults.Http.Timeout.Read, defaults.Http.Timeout.Write, defaults.Http.Timeout.Idle, defaults.Http.MinDataRate, defaults.Http.MaxConnections));
    }

    [Theory]
    [InlineData("REGISTRY_HTTP_TIMEOUT_READ", "1s", "http.timeout.read: '1s' is too short")]
    [InlineData("REGISTRY_HTTP_TIMEOUT_IDLE", "soon", "http.timeout.idle: invalid duration 'soon'")]
    [InlineData("REGISTRY_HTTP_MINDATARATE", "-5", "http.mindatarate: '-5' is not a number")]
    [InlineData("REGISTRY_HTTP_MAXCONNECTIONS", "many", "http.maxconnections: 'many' is not a number")]
    public void Bad_http_stall_limits_are_refused_naming_the_key(string variable, string value, string expected)
    {
        var error = Assert.ThrowsAny<Exception>(() => RegistryConfiguration.Load(null, new Hashtable { [variable] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
