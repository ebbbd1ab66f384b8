using System.Runtime.Versioning;

using Hyper.Build.Context;

namespace Hyper.Build.Tests.Context;

/// <summary>A directory as a build context: what is in it, what .dockerignore removes, and that nothing outside is reachable.</summary>
[SupportedOSPlatform("linux")]
public sealed class BuildContextTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public BuildContextTests()
    {
        Root = _temp.Combine("ctx");
        Directory.CreateDirectory(Root);
        Write("Dockerfile", "FROM scratch\n");
    }

    private string Root { get; }

    public void Dispose() => _temp.Dispose();

    private void Write(string relative, string content = "data")
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private void Link(string relative, string target)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    private static List<string> Listing(BuildContext context) =>
        [.. context.EnumerateEntries().Select(e => e.Type == ContextEntryType.Directory ? e.Path + "/" : e.Path)];

    private static string Read(BuildContext context, string path)
    {
        using var reader = new StreamReader(context.OpenFile(path));
        return reader.ReadToEnd();
    }

    [Fact]
    public void The_Dockerfile_defaults_to_Dockerfile_in_the_context()
    {
        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(Root, context.Root);
        Assert.Equal(Path.Combine(Root, "Dockerfile"), context.DockerfilePath);
        Assert.Null(context.IgnoreFile);
        Assert.Same(DockerIgnore.Empty, context.Ignore);
    }

    [Fact]
    public void A_lower_case_dockerfile_is_accepted_when_there_is_no_Dockerfile()
    {
        File.Move(Path.Combine(Root, "Dockerfile"), Path.Combine(Root, "dockerfile"));

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(Path.Combine(Root, "dockerfile"), context.DockerfilePath);
    }

    [Fact]
    public void A_missing_Dockerfile_is_an_error_that_mentions_f()
    {
        File.Delete(Path.Combine(Root, "Dockerfile"));

        var error = Assert.Throws<BuildContextException>(() => BuildContext.FromDirectory(Root));

        Assert.Contains("-f", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_context_directory_is_an_error()
    {
        Assert.Throws<BuildContextException>(() => BuildContext.FromDirectory(_temp.Combine("nope")));
    }

    [Fact]
    public void Entries_are_listed_depth_first_in_name_order_with_slash_separated_relative_paths()
    {
        Write("src/b.cs");
        Write("src/a/z.cs");
        Write("README.md");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(["Dockerfile", "README.md", "src/", "src/a/", "src/a/z.cs", "src/b.cs"], Listing(context));
    }

    [Fact]
    public void Entries_carry_type_mode_size_and_link_target()
    {
        Write("run.sh", "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(Root, "run.sh"), (UnixFileMode)0b111_101_101);
        Link("latest", "run.sh");

        using var context = BuildContext.FromDirectory(Root);
        var entries = context.EnumerateEntries().ToDictionary(e => e.Path);

        Assert.Equal(ContextEntryType.File, entries["run.sh"].Type);
        Assert.Equal((UnixFileMode)0b111_101_101, entries["run.sh"].Mode);
        Assert.Equal(10, entries["run.sh"].Size);
        Assert.Equal(ContextEntryType.SymbolicLink, entries["latest"].Type);
        Assert.Equal("run.sh", entries["latest"].LinkTarget);
        Assert.Equal(6, entries["latest"].Size);
    }

    [Fact]
    public void The_contexts_dockerignore_removes_entries_and_an_excluded_directory_appears_only_for_its_exceptions()
    {
        Write(".dockerignore", "*.md\n!README.md\ndocs\n!docs/keep.txt\nbin\n");
        Write("README.md");
        Write("NOTES.md");
        Write("docs/keep.txt");
        Write("docs/drop.txt");
        Write("bin/app");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(Path.Combine(Root, ".dockerignore"), context.IgnoreFile);
        Assert.Equal([".dockerignore", "Dockerfile", "README.md", "docs/", "docs/keep.txt"], Listing(context));
    }

    [Fact]
    public void A_Dockerfile_specific_ignore_file_beside_the_Dockerfile_wins_over_the_contexts()
    {
        Write(".dockerignore", "a.txt\n");
        Write("build/app.Dockerfile", "FROM scratch\n");
        Write("build/app.Dockerfile.dockerignore", "b.txt\n");
        Write("a.txt");
        Write("b.txt");

        using var context = BuildContext.FromDirectory(Root, Path.Combine(Root, "build/app.Dockerfile"));

        Assert.Equal(Path.Combine(Root, "build/app.Dockerfile.dockerignore"), context.IgnoreFile);
        Assert.NotNull(context.GetEntry("a.txt"));
        Assert.Null(context.GetEntry("b.txt"));
    }

    [Fact]
    public void A_Dockerfile_outside_the_context_is_allowed_and_brings_its_ignore_file()
    {
        var dockerfile = _temp.Combine("elsewhere", "Containerfile");
        Directory.CreateDirectory(Path.GetDirectoryName(dockerfile)!);
        File.WriteAllText(dockerfile, "FROM scratch\n");
        File.WriteAllText(dockerfile + ".dockerignore", "secret\n");
        Write("secret");

        using var context = BuildContext.FromDirectory(Root, dockerfile);

        Assert.Equal(dockerfile, context.DockerfilePath);
        Assert.Null(context.GetEntry("secret"));
    }

    [Fact]
    public void An_invalid_ignore_file_is_an_error_naming_the_file_and_line()
    {
        Write(".dockerignore", "ok\n[a-\n");

        var error = Assert.Throws<BuildContextException>(() => BuildContext.FromDirectory(Root));

        Assert.Contains(".dockerignore", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enumeration_is_lazy_and_reads_the_disk_only_when_iterated()
    {
        using var context = BuildContext.FromDirectory(Root);
        Directory.Delete(Root, recursive: true);

        var entries = context.EnumerateEntries();

        Assert.Throws<BuildContextException>(() => entries.ToList());
    }

    [Fact]
    public void A_file_can_be_opened_and_read()
    {
        Write("src/app.cs", "class App {}");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal("class App {}", Read(context, "src/app.cs"));
        Assert.Equal("class App {}", Read(context, "./src/../src/app.cs"));
    }

    [Fact]
    public void An_excluded_file_cannot_be_opened()
    {
        Write(".dockerignore", "*.key\n");
        Write("server.key");

        using var context = BuildContext.FromDirectory(Root);

        var error = Assert.Throws<FileNotFoundException>(() => context.OpenFile("server.key"));
        Assert.Contains(".dockerignore", error.Message, StringComparison.Ordinal);
        Assert.Null(context.GetEntry("server.key"));
    }

    [Fact]
    public void Opening_a_directory_is_an_error()
    {
        Write("src/a.cs");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Throws<IOException>(() => context.OpenFile("src"));
    }

    [Fact]
    public void Dot_dot_stops_at_the_context_root()
    {
        File.WriteAllText(_temp.Combine("outside.txt"), "host file");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Null(context.GetEntry("../outside.txt"));
        Assert.Equal("FROM scratch\n", Read(context, "../../Dockerfile"));
    }

    [Fact]
    public void A_relative_link_is_followed_inside_the_context()
    {
        Write("real/config.json", "{}");
        Link("config.json", "real/config.json");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal("{}", Read(context, "config.json"));
        Assert.Equal(ContextEntryType.SymbolicLink, context.GetEntry("config.json")!.Type);
        Assert.Equal("real/config.json", context.GetEntry("config.json", followLinks: true)!.Path);
    }

    [Fact]
    public void An_absolute_link_target_means_a_path_inside_the_context_not_on_the_host()
    {
        Write("etc/hostname", "inside");
        Link("name", "/etc/hostname");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal("inside", Read(context, "name"));
    }

    [Fact]
    public void A_link_climbing_out_of_the_context_cannot_reach_the_host()
    {
        File.WriteAllText(_temp.Combine("outside.txt"), "host secret");
        Link("escape", "../outside.txt");
        Link("escape-dir", "..");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Throws<FileNotFoundException>(() => context.OpenFile("escape"));
        Assert.Throws<FileNotFoundException>(() => context.OpenFile("escape-dir/outside.txt"));
        Assert.Equal("FROM scratch\n", Read(context, "escape-dir/Dockerfile"));
    }

    [Fact]
    public void A_link_to_an_excluded_file_leads_nowhere()
    {
        Write(".dockerignore", "secret\n");
        Write("secret", "hidden");
        Link("innocent", "secret");

        using var context = BuildContext.FromDirectory(Root);

        Assert.NotNull(context.GetEntry("innocent"));
        Assert.Throws<FileNotFoundException>(() => context.OpenFile("innocent"));
    }

    [Fact]
    public void A_link_loop_ends_in_not_found_instead_of_hanging()
    {
        Link("ping", "pong");
        Link("pong", "ping");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Null(context.GetEntry("ping", followLinks: true));
        Assert.Throws<FileNotFoundException>(() => context.OpenFile("ping"));
    }

    [Fact]
    public void Links_to_directories_are_listed_as_links_and_not_walked_into()
    {
        Write("real/file.txt");
        Link("alias", "real");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(["Dockerfile", "alias", "real/", "real/file.txt"], Listing(context));
        Assert.Equal("data", Read(context, "alias/file.txt"));
    }

    [Fact]
    public void An_excluded_directory_with_a_re_included_file_still_exists()
    {
        Write(".dockerignore", "docs\n!docs/README.md\n");
        Write("docs/README.md");
        Write("docs/other.md");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(ContextEntryType.Directory, context.GetEntry("docs")!.Type);
        Assert.Equal(["docs/README.md"], context.EnumerateEntries("docs").Select(e => e.Path));
    }

    [Fact]
    public void Entries_below_a_directory_can_be_listed_alone()
    {
        Write("src/a/b.cs");
        Write("other.txt");

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(["src/a", "src/a/b.cs"], context.EnumerateEntries("src").Select(e => e.Path));
        Assert.Throws<DirectoryNotFoundException>(() => context.EnumerateEntries("other.txt"));
    }

    [Fact]
    public async Task A_named_pipe_is_left_out_and_never_opened()
    {
        await ExternalProcess.RunCheckedAsync("mkfifo", Path.Combine(Root, "pipe"));
        Write("empty.txt", string.Empty);

        using var context = BuildContext.FromDirectory(Root);

        Assert.Equal(["Dockerfile", "empty.txt"], Listing(context));
        Assert.Throws<FileNotFoundException>(() => context.OpenFile("pipe"));
    }

    [Fact]
    public async Task A_directory_given_on_the_command_line_opens_as_a_directory_context()
    {
        using var context = await BuildContext.OpenAsync(Root, dockerfilePath: null, Stream.Null);

        Assert.Equal(Root, context.Root);
    }

    [Fact]
    public async Task A_remote_context_is_refused_with_a_hint()
    {
        var error = await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.OpenAsync("https://github.com/o/r.git", null, Stream.Null));

        Assert.Contains("clone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_a_directory_context_leaves_the_directory_alone()
    {
        BuildContext.FromDirectory(Root).Dispose();

        Assert.True(File.Exists(Path.Combine(Root, "Dockerfile")));
    }
}
