namespace Hyper.Build.Context;

/// <summary>
/// Where COPY and ADD take their sources from: a directory, or a tarball (from a stream or standard
/// input) unpacked into a temporary directory that <see cref="Dispose"/> deletes. The .dockerignore
/// rules are applied on every access, and paths resolve inside the root only: <c>..</c> and
/// absolute symbolic link targets stop at the root, as in BuildKit.
/// </summary>
public sealed partial class BuildContext : IDisposable
{
    private const string DefaultDockerfileName = "Dockerfile";
    private const string IgnoreFileName = ".dockerignore";

    private readonly string? ownedDirectory;

    private BuildContext(string root, string dockerfilePath, DockerIgnore ignore, string? ignoreFile, string? ownedDirectory)
    {
        Root = root;
        DockerfilePath = dockerfilePath;
        Ignore = ignore;
        IgnoreFile = ignoreFile;
        this.ownedDirectory = ownedDirectory;
    }

    /// <summary>The context directory on disk (a temporary one for a tarball).</summary>
    public string Root { get; }

    /// <summary>True when the context was unpacked from a tarball into a directory of its own, deleted with it.</summary>
    public bool IsTemporary => ownedDirectory is not null;

    /// <summary>The Dockerfile's full path. For a directory context it may lie outside <see cref="Root"/>; it is read whatever .dockerignore says.</summary>
    public string DockerfilePath { get; }

    /// <summary>The ignore rules in force (<see cref="DockerIgnore.Empty"/> when there is no ignore file).</summary>
    public DockerIgnore Ignore { get; }

    /// <summary>The ignore file the rules came from, or null.</summary>
    public string? IgnoreFile { get; }

    /// <summary>
    /// A context directory. The Dockerfile defaults to <c>Dockerfile</c> (or <c>dockerfile</c>) in it;
    /// a relative <paramref name="dockerfilePath"/> is taken from the current directory, as
    /// <c>docker build -f</c> does. <c>&lt;Dockerfile&gt;.dockerignore</c> beside the Dockerfile wins over the context's <c>.dockerignore</c>.
    /// </summary>
    /// <exception cref="BuildContextException">The directory or the Dockerfile is missing, or the ignore file is invalid.</exception>
    public static BuildContext FromDirectory(string path, string? dockerfilePath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(root))
        {
            throw new BuildContextException($"build context {path} is not a directory");
        }

        var requested = dockerfilePath is null ? Path.Combine(root, DefaultDockerfileName) : Path.GetFullPath(dockerfilePath);
        var dockerfile = FindDockerfile(requested)
            ?? throw new BuildContextException(dockerfilePath is null
                ? $"no Dockerfile in {root}: add one or name it with -f"
                : $"Dockerfile {dockerfilePath} not found");
        var (ignore, ignoreFile) = LoadIgnore(root, requested + IgnoreFileName, dockerfileInsideRoot: false);
        return new BuildContext(root, dockerfile, ignore, ignoreFile, ownedDirectory: null);
    }

    /// <summary>
    /// A context given on the command line: <c>-</c> for standard input (a tarball, or a lone
    /// Dockerfile), anything else a directory.
    /// </summary>
    /// <exception cref="BuildContextException">The context cannot be used.</exception>
    public static async Task<BuildContext> OpenAsync(string location, string? dockerfilePath, Stream standardInput, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        ArgumentNullException.ThrowIfNull(standardInput);
        if (location == "-")
        {
            return await FromStandardInputAsync(standardInput, dockerfilePath, cancellationToken).ConfigureAwait(false);
        }

        if (location.Contains("://", StringComparison.Ordinal) || location.StartsWith("git@", StringComparison.Ordinal))
        {
            throw new BuildContextException($"remote build contexts ({location}) are not supported: clone or download it and pass the directory");
        }

        return FromDirectory(location, dockerfilePath);
    }

    public void Dispose()
    {
        if (ownedDirectory is not null && Directory.Exists(ownedDirectory))
        {
            DeleteTree(ownedDirectory);
        }
    }

    /// <summary>The Dockerfile at <paramref name="requested"/>, or its lower-case "dockerfile" sibling as BuildKit accepts, or null.</summary>
    private static string? FindDockerfile(string requested)
    {
        if (File.Exists(requested))
        {
            return requested;
        }

        if (Path.GetFileName(requested) == DefaultDockerfileName)
        {
            var lower = Path.Combine(Path.GetDirectoryName(requested)!, "dockerfile");
            if (File.Exists(lower))
            {
                return lower;
            }
        }

        return null;
    }

    private static (DockerIgnore Ignore, string? File) LoadIgnore(string root, string besideDockerfile, bool dockerfileInsideRoot)
    {
        var candidates = new List<string>();
        if (dockerfileInsideRoot)
        {
            var resolved = ResolveInsideRoot(root, Path.GetRelativePath(root, besideDockerfile), followFinal: true, visible: null);
            if (resolved is not null)
            {
                candidates.Add(resolved.Value.FullPath);
            }
        }
        else
        {
            candidates.Add(besideDockerfile);
        }

        var contextIgnore = ResolveInsideRoot(root, IgnoreFileName, followFinal: true, visible: null);
        if (contextIgnore is not null)
        {
            candidates.Add(contextIgnore.Value.FullPath);
        }

        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            try
            {
                return (DockerIgnore.Parse(File.ReadAllText(candidate)), candidate);
            }
            catch (DockerIgnoreException invalid)
            {
                throw new BuildContextException($"{candidate}: {invalid.Message}", invalid);
            }
        }

        return (DockerIgnore.Empty, null);
    }

    private static void DeleteTree(string directory)
    {
        // Archives may carry read-only directories; give them back to the owner so they can be emptied.
        MakeWritable(new DirectoryInfo(directory));
        Directory.Delete(directory, recursive: true);
    }

    private static void MakeWritable(DirectoryInfo directory)
    {
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        foreach (var child in directory.EnumerateDirectories("*", new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            MakeWritable(child);
        }
    }
}
