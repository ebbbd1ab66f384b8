namespace Hyper.Oci.Tests;

public sealed class DirectoryEntriesTests
{
    [Fact]
    public void Entries_of_a_directory_are_flushed_to_disk()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("renamed-in"), "x");

        DirectoryEntries.FlushToDisk(dir.Path);

        Assert.True(File.Exists(dir.Combine("renamed-in")));
    }

    [Fact]
    public void Missing_directory_is_an_io_error_naming_it()
    {
        using var dir = new TempDirectory();
        var missing = dir.Combine("missing");

        var error = Assert.Throws<IOException>(() => DirectoryEntries.FlushToDisk(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
