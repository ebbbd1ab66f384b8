using System.CommandLine;
using System.Text.Json;

using Hyper.Cli.Commands;
using Hyper.Testing;

namespace Hyper.Cli.Tests.Commands;

public sealed class BuildCommandTests : IDisposable
{
    private const string Dockerfile = """
        # GO_VERSION The Go toolchain to build with
        ARG GO_VERSION=1.22
        # build Compiles the binary
        FROM golang:${GO_VERSION} AS build
        ARG LDFLAGS=-s
        RUN --mount=type=secret,id=netrc,required --mount=type=ssh go build -ldflags "$LDFLAGS" -o /app
        # docs Renders the documentation
        FROM alpine AS docs
        # THEME Colour scheme of the site
        ARG THEME=dark
        RUN make docs
        FROM scratch
        COPY --from=build /app /app
        ENTRYPOINT ["/app"]
        """;

    private readonly TempDirectory _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Check_on_a_broken_dockerfile_exits_non_zero_and_names_the_line()
    {
        Write("FROM alpine\nRUN true\nCOPY --frm=build /a /b\n");

        var (exitCode, output, _) = Run("build", "--call", "check", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        Assert.Contains("Dockerfile:3: error: unknown flag: --frm", output, StringComparison.Ordinal);
        Assert.Contains("Check failed.", output, StringComparison.Ordinal);
        Assert.Contains("  3 | COPY --frm=build /a /b", output, StringComparison.Ordinal);
        Assert.Contains("hint: COPY accepts --from, --chown, --chmod, --link, --parents, --exclude", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_quotes_at_most_200_characters_of_an_overlong_source_line()
    {
        Write("FROM scratch\nLABEL a=" + new string('x', 70_000) + "\n");

        var (exitCode, output, _) = Run("build", "--call", "check", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        Assert.Contains("Dockerfile:2: error: dockerfile line greater than max allowed size of 65535", output, StringComparison.Ordinal);
        var quoted = Assert.Single(output.Split('\n'), l => l.StartsWith("  2 | ", StringComparison.Ordinal));
        Assert.Equal("  2 | LABEL a=" + new string('x', 200 - "LABEL a=".Length) + "…", quoted);
    }

    [Fact]
    public void Check_prints_each_warning_with_its_line_and_source_and_exits_non_zero_as_buildx_does()
    {
        Write("FROM alpine AS Build\nCMD node app.js\n");

        var (exitCode, output, _) = Run("build", "--call=check", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        var lines = output.Split('\n');
        Assert.Contains("Dockerfile:1: StageNameCasing: Stage name 'Build' should be lowercase", lines);
        Assert.Contains("Dockerfile:2: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals", lines);
        Assert.Contains("  2 | CMD node app.js", lines);
        Assert.Contains("Check complete, 2 warnings have been found!", lines);
    }

    [Theory]
    [InlineData("--check")]
    [InlineData("--call=check")]
    public void Check_with_one_warning_exits_1_and_without_warnings_exits_0(string option)
    {
        Write("FROM alpine\nMAINTAINER me\n");
        var (warned, warnedOutput, _) = Run("build", option, _context.Path);
        Write("FROM alpine\nLABEL maintainer=me\n");
        var (clean, cleanOutput, _) = Run("build", option, _context.Path);

        Assert.Equal((1, 0), (warned, clean));
        Assert.Contains("Check complete, 1 warning has been found!", warnedOutput, StringComparison.Ordinal);
        Assert.Contains("Check complete, no warnings found.", cleanOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_fails_on_warnings_when_the_directive_says_error_true()
    {
        Write("# check=error=true\nFROM alpine\nCMD node app.js\n");

        var (exitCode, output, _) = Run("build", "--check", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        Assert.Contains("error: lint violation found for rules: JSONArgsRecommended", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_honours_skip_in_the_directive()
    {
        Write("# check=skip=JSONArgsRecommended\nFROM alpine\nCMD node app.js\n");

        var (exitCode, output, _) = Run("build", "--call", "check", _context.Path);

        Assert.Equal(BuildCommand.Ok, exitCode);
        Assert.Contains("Check complete, no warnings found.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_reads_the_context_dockerignore_for_copies_of_ignored_files()
    {
        Write("FROM alpine\nCOPY ./secrets/key.pem /etc/\nCOPY app /app\n");
        File.WriteAllText(_context.Combine(".dockerignore"), "secrets\n*.log\n");

        var (exitCode, output, _) = Run("build", "--call", "check", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        Assert.Contains(
            "Dockerfile:2: CopyIgnoredFile: Attempting to Copy file \"secrets/key.pem\" that is excluded by .dockerignore",
            output.Split('\n'));
        Assert.DoesNotContain("Dockerfile:3:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_in_json_gives_rule_name_url_detail_and_location()
    {
        Write("FROM alpine\nMAINTAINER me\n");

        var (exitCode, output, _) = Run("build", "--call", "check", "--format", "json", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        using var json = JsonDocument.Parse(output);
        var warning = Assert.Single(json.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.Equal("MaintainerDeprecated", warning.GetProperty("ruleName").GetString());
        Assert.Equal("https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/", warning.GetProperty("url").GetString());
        Assert.Equal("Maintainer instruction is deprecated in favor of using label", warning.GetProperty("detail").GetString());
        Assert.Equal(2, warning.GetProperty("location").GetProperty("ranges")[0].GetProperty("start").GetProperty("line").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("buildError", out _));
    }

    [Fact]
    public void Check_in_json_reports_the_error_with_its_location()
    {
        Write("FROM alpine\nFROM alpine AS 9lives\n");

        var (exitCode, output, _) = Run("build", "--call", "check,format=json", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        using var json = JsonDocument.Parse(output);
        var error = json.RootElement.GetProperty("buildError");
        Assert.StartsWith("invalid name for build stage: \"9lives\"", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, error.GetProperty("location").GetProperty("ranges")[0].GetProperty("start").GetProperty("line").GetInt32());
    }

    [Fact]
    public void Outline_lists_the_build_args_secrets_and_ssh_the_default_target_uses()
    {
        Write(Dockerfile);

        var (exitCode, output, _) = Run("build", "--call", "outline", _context.Path);

        Assert.Equal(BuildCommand.Ok, exitCode);
        Assert.Equal(
            """
            BUILD ARG    VALUE   DESCRIPTION
            GO_VERSION   1.22    The Go toolchain to build with
            LDFLAGS      -s

            SECRET   REQUIRED
            netrc    true

            SSH       REQUIRED
            default


            """.ReplaceLineEndings("\n"),
            output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Outline_follows_target_and_build_args()
    {
        Write(Dockerfile);

        var (exitCode, output, _) = Run("build", "--call", "outline", "--target", "docs", "--build-arg", "THEME=light", _context.Path);

        Assert.Equal(BuildCommand.Ok, exitCode);
        var lines = output.Split('\n').Select(static l => l.TrimEnd('\r')).ToList();
        Assert.Equal("TARGET:      docs", lines[0]);
        Assert.Equal("DESCRIPTION: Renders the documentation", lines[1]);
        Assert.Contains("THEME       light   Colour scheme of the site", lines);
        Assert.DoesNotContain(lines, static l => l.StartsWith("GO_VERSION", StringComparison.Ordinal));
    }

    [Fact]
    public void Outline_in_json_has_args_with_values_and_locations()
    {
        Write(Dockerfile);

        var (exitCode, output, _) = Run("build", "--call", "outline", "--format", "json", "--target", "build", _context.Path);

        Assert.Equal(BuildCommand.Ok, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("build", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("Compiles the binary", json.RootElement.GetProperty("description").GetString());
        var args = json.RootElement.GetProperty("args").EnumerateArray().ToList();
        Assert.Equal(["GO_VERSION", "LDFLAGS"], args.Select(static a => a.GetProperty("name").GetString()));
        Assert.Equal("1.22", args[0].GetProperty("value").GetString());
        Assert.Equal(2, args[0].GetProperty("location").GetProperty("ranges")[0].GetProperty("start").GetProperty("line").GetInt32());
        var secret = Assert.Single(json.RootElement.GetProperty("secrets").EnumerateArray());
        Assert.True(secret.GetProperty("required").GetBoolean());
    }

    [Fact]
    public void Targets_lists_stages_with_descriptions_and_marks_the_default()
    {
        Write(Dockerfile);

        var (exitCode, output, _) = Run("build", "--call", "targets", _context.Path);

        Assert.Equal(BuildCommand.Ok, exitCode);
        Assert.Equal(
            "TARGET    DESCRIPTION\nbuild     Compiles the binary\ndocs      Renders the documentation\n(default)\n",
            output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Targets_in_json_mark_the_default_and_keep_base_and_platform_as_written()
    {
        Write("FROM --platform=$BUILDPLATFORM golang AS build\n# app The application\nFROM scratch AS app\n");

        var (exitCode, output, _) = Run("build", "--call", "targets", "--format", "json", _context.Path);

        Assert.Equal(BuildCommand.Ok, exitCode);
        using var json = JsonDocument.Parse(output);
        var targets = json.RootElement.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal("$BUILDPLATFORM", targets[0].GetProperty("platform").GetString());
        Assert.False(targets[0].TryGetProperty("default", out _));
        Assert.True(targets[1].GetProperty("default").GetBoolean());
        Assert.Equal("The application", targets[1].GetProperty("description").GetString());
    }

    [Fact]
    public void An_unknown_target_fails_and_lists_the_stages()
    {
        Write(Dockerfile);

        var (exitCode, _, error) = Run("build", "--call", "outline", "--target", "doc", _context.Path);

        Assert.Equal(BuildCommand.DockerfileFailed, exitCode);
        Assert.Contains("target stage \"doc\" could not be found (did you mean docs?)", error, StringComparison.Ordinal);
        Assert.Contains("the stages are: build, docs", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Platform_reaches_the_platform_args()
    {
        Write("FROM alpine\nARG TARGETARCH\nARG ARCH=$TARGETARCH\n");

        var (exitCode, output, _) = Run("build", "--call", "outline", "--platform", "linux/arm64", _context.Path);

        Assert.Equal(BuildCommand.Ok, exitCode);
        Assert.Contains("ARCH        arm64", output.Split('\n').Select(static l => l.TrimEnd('\r')));
    }

    [Theory]
    [InlineData("arm64", "linux/arm64")]
    [InlineData("aarch64", "linux/arm64")]
    [InlineData("x86_64", "linux/amd64")]
    [InlineData("local", null)]
    public void A_single_word_platform_is_read_as_buildx_reads_it(string platform, string? expected)
    {
        Write("FROM alpine\nARG TARGETPLATFORM\nARG TARGET=$TARGETPLATFORM\n");

        var (exitCode, output, error) = Run("build", "--call", "outline", "--platform", platform, _context.Path);

        Assert.True(exitCode == BuildCommand.Ok, error);
        Assert.Contains($"TARGET      {expected ?? Hyper.Oci.Platform.Current.ToString()}", output.Split('\n').Select(static l => l.TrimEnd('\r')));
    }

    [Fact]
    public void A_dockerfile_named_with_f_is_read_and_named_in_messages()
    {
        File.WriteAllText(_context.Combine("build.Dockerfile"), "FROM alpine\nCMD run\n");

        var (_, output, _) = Run("build", "-f", _context.Combine("build.Dockerfile"), "--call", "check", _context.Path);

        Assert.Contains("build.Dockerfile:2: JSONArgsRecommended:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Building_on_an_image_that_cannot_be_found_fails_naming_it()
    {
        Write("FROM example.invalid/missing:1\nRUN true\n");
        using var root = new TempDirectory();

        var (exitCode, output, error) = Run("build", "--root", root.Path, "--progress", "plain", _context.Path);

        Assert.Equal(BuildCommand.BuildFailed, exitCode);
        Assert.Empty(output);
        Assert.Contains("example.invalid/missing:1", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--call=lint", "unknown --call method 'lint'")]
    [InlineData("--call=outline,format=yaml", "unknown --call option 'format=yaml'")]
    [InlineData("--call=check --platform=bogus", "invalid platform 'bogus': unknown operating system or architecture")]
    public void Bad_command_lines_fail_with_the_reason(string options, string reason)
    {
        Write("FROM alpine\n");

        var (exitCode, _, error) = Run(["build", .. options.Split(' '), _context.Path]);

        Assert.Equal(BuildCommand.UsageFailed, exitCode);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--secret", "src=/dev/null", "id=ID is missing")]
    [InlineData("--secret", "id=token,bogus=1", "unknown field 'bogus'")]
    [InlineData("--secret", "id=token,env=HYPER_TEST_VARIABLE_THAT_IS_NOT_SET", "environment variable HYPER_TEST_VARIABLE_THAT_IS_NOT_SET is not set")]
    [InlineData("--ssh", "=/tmp/agent.sock", "expected ID=SOCKET")]
    [InlineData("--ssh", "default=/nonexistent/agent.sock", "ssh agent socket /nonexistent/agent.sock does not exist")]
    [InlineData("--ssh", "default=/tmp/a.sock,/tmp/b.sock", "one ssh-agent socket per ID")]
    [InlineData("--ssh", "default=/dev/null", "/dev/null is not a socket")]
    public void Bad_secrets_and_ssh_agents_fail_before_building_with_the_reason(string option, string value, string reason)
    {
        Write("FROM alpine\n");

        var (exitCode, _, error) = Run("build", option, value, _context.Path);

        Assert.Equal(BuildCommand.UsageFailed, exitCode);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ssh_key_file_is_refused_with_a_pointer_to_ssh_agent()
    {
        Write("FROM alpine\n");
        var key = _context.Combine("id_ed25519");
        File.WriteAllText(key, "-----BEGIN OPENSSH PRIVATE KEY-----\n");

        var (exitCode, _, error) = Run("build", "--ssh", $"default={key}", _context.Path);

        Assert.Equal(BuildCommand.UsageFailed, exitCode);
        Assert.Contains("key files are not supported, use an ssh-agent socket", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void A_missing_dockerfile_is_reported()
    {
        var (exitCode, _, error) = Run("build", "--call", "targets", _context.Path);

        Assert.Equal(BuildCommand.UsageFailed, exitCode);
        Assert.Contains("failed to read dockerfile", error, StringComparison.Ordinal);
    }

    private void Write(string text) => File.WriteAllText(_context.Combine("Dockerfile"), text);

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = HyperbuildCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
