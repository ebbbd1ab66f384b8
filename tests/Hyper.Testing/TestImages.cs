using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

using Hyper.Oci.Layout;

namespace Hyper.Testing;

/// <summary>
/// Small images made entirely here: layer tars written with TarWriter, compressed as asked, a config
/// whose diff IDs match, and an OCI manifest. Everything is fixed (times, owners, order), so the same
/// arguments always give the same digests.
/// </summary>
public static class TestImages
{
    public static readonly DateTimeOffset Created = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>
    /// Writes a two-layer linux/amd64 image into <paramref name="layout"/> and lists it in the index
    /// under <paramref name="tag"/> when given. <paramref name="name"/> goes into the content, so
    /// different names give different images.
    /// </summary>
    public static async Task<TestImage> WriteAsync(
        OciLayout layout,
        string? tag = null,
        string name = "app",
        LayerCompression compression = LayerCompression.Gzip)
    {
        var tars = new List<byte[]>
        {
            LayerTar(("etc/", null), ("etc/os-release", "ID=hyper-test\n"), ("bin/", null)),
            LayerTar(("app/", null), ("app/name.txt", $"{name}\n"), ("app/run.sh", $"#!/bin/sh\necho {name}\n")),
        };
        var layers = new List<Descriptor>();
        foreach (var tar in tars)
        {
            layers.Add(await layout.WriteBlobAsync(Compress(tar, compression), MediaTypes.LayerType(compression)));
        }

        var config = Config(tars.Select(tar => Digest.Compute(tar)).ToList(), name);
        var configBytes = config.ToJson();
        var configDescriptor = await layout.WriteBlobAsync(configBytes, MediaTypes.OciConfig);
        var manifest = Manifest.Create(new ImageManifest { Config = configDescriptor, Layers = layers });
        await layout.AddManifestAsync(manifest, tag);
        return new TestImage(manifest, configBytes, config, layers, tars);
    }

    /// <summary>A config as a build would write it: environment, command, history with an empty layer.</summary>
    public static ImageConfig Config(IReadOnlyList<Digest> diffIds, string name = "app") => new()
    {
        Created = Created,
        Architecture = "amd64",
        OS = "linux",
        Config = new ContainerConfig
        {
            Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            Cmd = ["/bin/sh", "/app/run.sh"],
            WorkingDir = "/app",
            Labels = new Dictionary<string, string> { ["org.example.name"] = name },
        },
        RootFs = new RootFs { DiffIds = diffIds },
        History =
        [
            new HistoryEntry { Created = Created, CreatedBy = "ADD rootfs /" },
            new HistoryEntry { Created = Created, CreatedBy = "COPY app /app" },
            new HistoryEntry { Created = Created, CreatedBy = "CMD [\"/bin/sh\", \"/app/run.sh\"]", EmptyLayer = true },
        ],
    };

    /// <summary>A config with every field the image-spec and docker define set, for schema checks.</summary>
    public static ImageConfig FullConfig(IReadOnlyList<Digest> diffIds) => new()
    {
        Created = Created,
        Author = "Hyper tests <tests@example.com>",
        Architecture = "arm64",
        OS = "linux",
        OSVersion = "6.1",
        OSFeatures = ["feature-a"],
        Variant = "v8",
        Config = new ContainerConfig
        {
            User = "1000:1000",
            ExposedPorts = new Dictionary<string, EmptyObject> { ["8080/tcp"] = EmptyObject.Instance, ["53/udp"] = EmptyObject.Instance },
            Env = ["PATH=/usr/bin:/bin", "MODE=test"],
            Entrypoint = ["/bin/app"],
            Cmd = ["--serve"],
            Healthcheck = new Healthcheck
            {
                Test = ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/health || exit 1"],
                IntervalNanoseconds = 30_000_000_000,
                TimeoutNanoseconds = 5_000_000_000,
                StartPeriodNanoseconds = 1_000_000_000,
                StartIntervalNanoseconds = 500_000_000,
                Retries = 3,
            },
            ArgsEscaped = true,
            Volumes = new Dictionary<string, EmptyObject> { ["/data"] = EmptyObject.Instance },
            WorkingDir = "/srv",
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "full", ["maintainer"] = "tests" },
            OnBuild = ["RUN echo child build"],
            StopSignal = "SIGTERM",
            Shell = ["/bin/sh", "-c"],
            Memory = 268_435_456,
            MemorySwap = 536_870_912,
            CpuShares = 512,
        },
        RootFs = new RootFs { DiffIds = diffIds },
        History =
        [
            new HistoryEntry { Created = Created, CreatedBy = "ADD rootfs /", Author = "tests", Comment = "base" },
            new HistoryEntry { Created = Created, CreatedBy = "EXPOSE 8080", EmptyLayer = true },
        ],
    };

    /// <summary>
    /// A layer tar of the given entries, in order: a path ending in <c>/</c> with null content is a
    /// directory (0755), anything else a file (0644, or 0755 for <c>.sh</c>), all owned by root at a fixed time.
    /// </summary>
    public static byte[] LayerTar(params (string Path, string? Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                var isDirectory = path.EndsWith('/');
                var entry = new UstarTarEntry(isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, path)
                {
                    Mode = isDirectory || path.EndsWith(".sh", StringComparison.Ordinal) ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                    ModificationTime = Created,
                    Uid = 0,
                    Gid = 0,
                };
                if (!isDirectory)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content ?? string.Empty));
                }

                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    public static byte[] Compress(byte[] tar, LayerCompression compression)
    {
        if (compression == LayerCompression.None)
        {
            return tar;
        }

        using var output = new MemoryStream();
        using (Stream compressor = compression == LayerCompression.Gzip
            ? new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)
            : new ZstdSharp.CompressionStream(output, level: 3, leaveOpen: true))
        {
            compressor.Write(tar);
        }

        return output.ToArray();
    }
}
