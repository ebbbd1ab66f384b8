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
            ["REGISTRY_DATABASE_URL"] = "sqlite:/from/env/registry.db",
            ["REGISTRY_REDIS_URL"] = "redis://127.0.0.1:6379",
            ["UNRELATED"] = "ignored",
        };

        var options = RegistryConfiguration.Load(path, environment);

        Assert.Equal("127.0.0.1:6000", options.Http.Addr);
        Assert.Equal("/from/env", options.Storage.Filesystem.RootDirectory);
        Assert.True(options.Storage.Delete.Enabled);
        Assert.Equal("sqlite:/from/env/registry.db", options.Database.Url);
        Assert.Equal("redis://127.0.0.1:6379", options.Redis.Url);
    }

    [Theory]
    [InlineData("http:\n  addr: nonsense\n", "invalid listen address")]
    [InlineData("log:\n  level: loud\n", "log.level: 'loud'")]
    [InlineData("storage:\n  maintenance:\n    uploadpurging:\n      age: forever\n", "time: invalid duration \"forever\"")]
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
    [InlineData("version: 0.2\n", "version: '0.2' is not supported")]
    [InlineData("log:\n  formatter: logstash\n", "log.formatter: 'logstash' is not text or json")]
    [InlineData("http:\n  addr: nowhere\n", "http.addr: invalid listen address 'nowhere'")]
    [InlineData("http:\n  host: registry.example.com\n", "http.host: 'registry.example.com' is not an absolute http or https URL")]
    [InlineData("http:\n  net: unix\n", "http.net: 'unix' is not supported")]
    [InlineData("http:\n  prefix: /registry\n", "http.prefix: '/registry' is not supported")]
    [InlineData("http:\n  tls:\n    certificate: /etc/registry/cert.pem\n", "http.tls.certificate: '/etc/registry/cert.pem' is not supported")]
    [InlineData("auth:\n  htpasswd:\n    realm: basic\n    path: /etc/registry/htpasswd\n", "auth.htpasswd.path: '/etc/registry/htpasswd' is not supported")]
    [InlineData("proxy:\n  remoteurl: https://registry-1.docker.io\n", "proxy.remoteurl: 'https://registry-1.docker.io' is not supported")]
    [InlineData("storage:\n  s3:\n    bucket: images\n", "storage.s3.bucket: 'images' is not supported")]
    [InlineData("storage:\n  inmemory:\n", "storage.inmemory: '' is not supported")]
    [InlineData("storage:\n  filesystem:\n    rootdirectory: ''\n", "storage.filesystem.rootdirectory: '' is empty")]
    [InlineData("storage:\n  delete:\n    enabled: maybe\n", "storage.delete.enabled: 'maybe' is not true or false")]
    [InlineData("storage:\n  maintenance:\n    uploadpurging:\n      interval: 0\n", "storage.maintenance.uploadpurging.interval: '0' is not a positive duration")]
    [InlineData("storage:\n  maintenance:\n    uploadpurging:\n      age: 10q\n", "storage.maintenance.uploadpurging.age: time: unknown unit \"q\" in duration \"10q\"")]
    [InlineData("storage:\n  maintenance:\n    uploadpurging:\n      dryrun: true\n", "storage.maintenance.uploadpurging.dryrun: 'true' is not supported")]
    [InlineData("storage:\n  maintenance:\n    readonly:\n      enabled: true\n", "storage.maintenance.readonly.enabled: 'true' is not supported")]
    [InlineData("database:\n  url: postgresql://db.example.com/registry\n", "database.url: 'postgresql://db.example.com/registry' is not supported")]
    [InlineData("database:\n  url: 'sqlite:'\n", "database.url: 'sqlite:' is not supported")]
    [InlineData("redis:\n  url: localhost:6379\n", "redis.url: 'localhost:6379' is not a redis:// or rediss:// URL")]
    [InlineData("validation:\n  manifests:\n    maxsize: -1\n", "validation.manifests.maxsize: '-1' is not a positive number of bytes")]
    public void Bad_or_unsupported_setting_is_refused_naming_the_key_and_the_value(string yaml, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("config.yml");
        File.WriteAllText(path, yaml);

        var error = Assert.Throws<InvalidConfigurationException>(() => RegistryConfiguration.Load(path, NoEnvironment));

        Assert.Equal($"{path}: {expected}", error.Message[..(path.Length + 2 + expected.Length)]);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Bad_environment_override_is_refused_naming_the_variable_the_key_and_the_value()
    {
        var environment = new Hashtable { ["REGISTRY_DATABASE_URL"] = "postgres://db/registry" };

        var error = Assert.Throws<InvalidConfigurationException>(() => RegistryConfiguration.Load(null, environment));

        Assert.StartsWith("REGISTRY_DATABASE_URL: database.url: 'postgres://db/registry' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_environment_override_is_refused_like_its_key_in_the_file()
    {
        var environment = new Hashtable { ["REGISTRY_HTTP_TLS_CERTIFICATE"] = "/etc/registry/cert.pem" };

        var error = Assert.Throws<InvalidConfigurationException>(() => RegistryConfiguration.Load(null, environment));

        Assert.StartsWith("REGISTRY_HTTP_TLS_CERTIFICATE: http.tls.certificate: '/etc/registry/cert.pem' is not supported", error.Message, StringComparison.Ordinal);
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
    [InlineData("REGISTRY_HTTP_TIMEOUT_IDLE", "soon", "http.timeout.idle: time: invalid duration \"soon\"")]
    [InlineData("REGISTRY_HTTP_MINDATARATE", "-5", "http.mindatarate: '-5' is not a number")]
    [InlineData("REGISTRY_HTTP_MAXCONNECTIONS", "many", "http.maxconnections: 'many' is not a number")]
    public void Bad_http_stall_limits_are_refused_naming_the_key(string variable, string value, string expected)
    {
        var error = Assert.ThrowsAny<Exception>(() => RegistryConfiguration.Load(null, new Hashtable { [variable] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
