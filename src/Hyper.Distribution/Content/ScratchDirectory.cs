namespace Hyper.Distribution.Content;

/// <summary>
/// A directory of its own under the system's temporary directory (or beside a destination), deleted with
/// everything in it on dispose: where archives are unpacked to be read, and archives are staged before they are packed.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    private ScratchDirectory(string path)
    {
        Path = path;
    }

    /// <summary>The directory, which exists until disposed.</summary>
    public string Path { get; }

    /// <summary>A new directory under the system's temporary directory.</summary>
    public static ScratchDirectory Create() => new(Directory.CreateTempSubdirectory("hyper-").FullName);

    /// <summary>
    /// A new hidden directory beside <paramref name="destination"/>, on the same file system, so what is staged
    /// there can be renamed into place.
    /// </summary>
    public static ScratchDirectory Beside(string destination)
    {
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(destination));
        var parent = System.IO.Path.GetDirectoryName(full) ?? throw new IOException($"'{full}' has no parent directory to stage in");
        var path = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new ScratchDirectory(path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Moved into place, or already gone: nothing to clean up.
        }
    }
}
