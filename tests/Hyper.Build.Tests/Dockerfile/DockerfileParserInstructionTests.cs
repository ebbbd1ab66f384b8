using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

public sealed class DockerfileParserInstructionTests
{
    private static DockerfileNode Second(string instruction) =>
        DockerfileParser.Parse("FROM alpine\n" + instruction + "\n").Instructions[1];

    [Fact]
    public void From_with_platform_flag_and_stage_name()
    {
        var from = DockerfileParser.Parse("FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n").Instructions[0];

        Assert.Equal("from", from.Instruction);
        Assert.Equal(["--platform=$BUILDPLATFORM"], from.Flags);
        Assert.Equal(["golang:1.23", "AS", "build"], from.Arguments);
        Assert.False(from.IsJson);
    }

    [Fact]
    public void From_arguments_split_on_tabs_and_repeated_blanks()
    {
        var from = DockerfileParser.Parse("FROM\tgolang \t  AS\tbuild\n").Instructions[0];

        Assert.Equal(["golang", "AS", "build"], from.Arguments);
    }

    [Theory]
    [InlineData("from alpine")]
    [InlineData("From alpine")]
    [InlineData("fRoM alpine")]
    public void Keywords_are_case_insensitive_and_the_original_keeps_the_text(string line)
    {
        var from = DockerfileParser.Parse(line + "\n").Instructions[0];

        Assert.Equal("from", from.Instruction);
        Assert.Equal(line, from.Original);
    }

    [Fact]
    public void Run_shell_form_is_one_argument()
    {
        var run = Second("RUN apt-get update && apt-get install -y curl");

        Assert.Equal(["apt-get update && apt-get install -y curl"], run.Arguments);
        Assert.False(run.IsJson);
    }

    [Fact]
    public void Run_flags_are_split_off_the_front()
    {
        var run = Second("RUN --mount=type=cache,target=/root/.cache --network=none pip install -r requirements.txt");

        Assert.Equal(["--mount=type=cache,target=/root/.cache", "--network=none"], run.Flags);
        Assert.Equal(["pip install -r requirements.txt"], run.Arguments);
    }

    [Fact]
    public void Flag_without_a_value_is_kept_as_written()
    {
        var copy = Second("COPY --link --parents src/ /app/");

        Assert.Equal(["--link", "--parents"], copy.Flags);
        Assert.Equal(["src/", "/app/"], copy.Arguments);
    }

    [Fact]
    public void Quotes_in_flags_are_removed()
    {
        var run = Second("RUN --mount=\"type=secret,id=npmrc\" --mount='type=bind,source=a b' npm ci");

        Assert.Equal(["--mount=type=secret,id=npmrc", "--mount=type=bind,source=a b"], run.Flags);
        Assert.Equal(["npm ci"], run.Arguments);
    }

    [Fact]
    public void Double_dash_ends_the_flags()
    {
        var copy = Second("COPY --chown=1000 -- --weird-name /dst");

        Assert.Equal(["--chown=1000"], copy.Flags);
        Assert.Equal(["--weird-name", "/dst"], copy.Arguments);
    }

    [Fact]
    public void Single_dash_word_is_an_argument_not_a_flag()
    {
        var run = Second("RUN -x --flag");

        Assert.Empty(run.Flags);
        Assert.Equal(["-x --flag"], run.Arguments);
    }

    [Fact]
    public void Flags_after_the_first_argument_are_arguments()
    {
        var copy = Second("COPY src --chown=1 /dst");

        Assert.Empty(copy.Flags);
        Assert.Equal(["src", "--chown=1", "/dst"], copy.Arguments);
    }

    [Fact]
    public void Copy_with_from_flag_and_several_sources()
    {
        var copy = Second("COPY --from=build --chmod=0755 /out/app /out/lib /usr/local/bin/");

        Assert.Equal("copy", copy.Instruction);
        Assert.Equal(["--from=build", "--chmod=0755"], copy.Flags);
        Assert.Equal(["/out/app", "/out/lib", "/usr/local/bin/"], copy.Arguments);
    }

    [Fact]
    public void Add_splits_sources_and_destination()
    {
        var add = Second("ADD --checksum=sha256:abc https://example.com/a.tar.gz /tmp/");

        Assert.Equal("add", add.Instruction);
        Assert.Equal(["--checksum=sha256:abc"], add.Flags);
        Assert.Equal(["https://example.com/a.tar.gz", "/tmp/"], add.Arguments);
    }

    [Fact]
    public void Env_modern_form_gives_key_value_separator_triples()
    {
        var env = Second("ENV PATH=/usr/local/bin:$PATH LANG=C.UTF-8");

        Assert.Equal(["PATH", "/usr/local/bin:$PATH", "=", "LANG", "C.UTF-8", "="], env.Arguments);
    }

    [Fact]
    public void Env_legacy_form_takes_the_rest_of_the_line_as_the_value()
    {
        var env = Second("ENV GREETING hello   big world");

        Assert.Equal(["GREETING", "hello   big world", ""], env.Arguments);
    }

    [Fact]
    public void Env_values_keep_their_quotes_and_escapes()
    {
        var env = Second("ENV A=\"x y\" B='$HOME' C=a\\ b D=");

        Assert.Equal(["A", "\"x y\"", "=", "B", "'$HOME'", "=", "C", "a\\ b", "=", "D", "", "="], env.Arguments);
    }

    [Fact]
    public void Env_value_may_contain_equals_signs()
    {
        var env = Second("ENV JAVA_OPTS=-Dfoo=bar");

        Assert.Equal(["JAVA_OPTS", "-Dfoo=bar", "="], env.Arguments);
    }

    [Fact]
    public void Label_gives_triples_like_env()
    {
        var label = Second("LABEL org.opencontainers.image.title=\"My app\" version=1.0");

        Assert.Equal("label", label.Instruction);
        Assert.Equal(["org.opencontainers.image.title", "\"My app\"", "=", "version", "1.0", "="], label.Arguments);
    }

    [Fact]
    public void Arg_keeps_each_word_as_written()
    {
        var arg = DockerfileParser.Parse("ARG VERSION=1.2 TARGETOS \"NAME=a b\"\nFROM alpine\n").Instructions[0];

        Assert.Equal("arg", arg.Instruction);
        Assert.Equal(["VERSION=1.2", "TARGETOS", "\"NAME=a b\""], arg.Arguments);
    }

    [Fact]
    public void Cmd_exec_form_gives_the_array_elements()
    {
        var cmd = Second("CMD [\"nginx\", \"-g\", \"daemon off;\"]");

        Assert.Equal(["nginx", "-g", "daemon off;"], cmd.Arguments);
        Assert.True(cmd.IsJson);
    }

    [Fact]
    public void Entrypoint_shell_form_is_one_argument()
    {
        var entrypoint = Second("ENTRYPOINT exec /docker-entrypoint.sh \"$@\"");

        Assert.Equal("entrypoint", entrypoint.Instruction);
        Assert.Equal(["exec /docker-entrypoint.sh \"$@\""], entrypoint.Arguments);
    }

    [Fact]
    public void Shell_in_json_form()
    {
        var shell = Second("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]");

        Assert.Equal("shell", shell.Instruction);
        Assert.Equal(["/bin/bash", "-o", "pipefail", "-c"], shell.Arguments);
        Assert.True(shell.IsJson);
    }

    [Fact]
    public void Expose_splits_ports()
    {
        var expose = Second("EXPOSE 80/tcp 443 8080/udp");

        Assert.Equal(["80/tcp", "443", "8080/udp"], expose.Arguments);
    }

    [Theory]
    [InlineData("USER app:app", "user", "app:app")]
    [InlineData("WORKDIR /srv/my app", "workdir", "/srv/my app")]
    [InlineData("STOPSIGNAL SIGTERM", "stopsignal", "SIGTERM")]
    [InlineData("MAINTAINER Jane Doe <jane@example.com>", "maintainer", "Jane Doe <jane@example.com>")]
    public void Single_string_instructions_take_the_whole_rest(string line, string instruction, string argument)
    {
        var node = Second(line);

        Assert.Equal(instruction, node.Instruction);
        Assert.Equal([argument], node.Arguments);
    }

    [Fact]
    public void Volume_shell_form_splits_paths()
    {
        var volume = Second("VOLUME /data /logs");

        Assert.Equal(["/data", "/logs"], volume.Arguments);
        Assert.False(volume.IsJson);
    }

    [Fact]
    public void Volume_json_form_gives_the_elements()
    {
        var volume = Second("VOLUME [\"/var/lib/my data\"]");

        Assert.Equal(["/var/lib/my data"], volume.Arguments);
        Assert.True(volume.IsJson);
    }

    [Fact]
    public void Healthcheck_none()
    {
        var health = Second("HEALTHCHECK NONE");

        Assert.Equal(["NONE"], health.Arguments);
        Assert.Null(health.Nested);
    }

    [Fact]
    public void Healthcheck_cmd_shell_form_with_flags_has_a_nested_cmd_node()
    {
        var health = Second("HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD curl -f http://localhost/ || exit 1");

        Assert.Equal(["--interval=30s", "--timeout=3s", "--retries=3"], health.Flags);
        Assert.Equal(["CMD", "curl -f http://localhost/ || exit 1"], health.Arguments);
        Assert.False(health.IsJson);
        var cmd = Assert.IsType<DockerfileNode>(health.Nested);
        Assert.Equal("cmd", cmd.Instruction);
        Assert.Equal(["curl -f http://localhost/ || exit 1"], cmd.Arguments);
        Assert.Empty(cmd.Flags);
    }

    [Fact]
    public void Healthcheck_cmd_exec_form()
    {
        var health = Second("HEALTHCHECK --start-period=5s CMD [\"/bin/check\", \"--quiet\"]");

        Assert.Equal(["CMD", "/bin/check", "--quiet"], health.Arguments);
        Assert.True(health.IsJson);
        Assert.Equal(["/bin/check", "--quiet"], health.Nested!.Arguments);
        Assert.True(health.Nested.IsJson);
    }

    [Fact]
    public void Healthcheck_type_word_is_case_insensitive_for_the_nested_cmd()
    {
        var health = Second("healthcheck cmd wget -q localhost");

        Assert.Equal(["cmd", "wget -q localhost"], health.Arguments);
        Assert.Equal(["wget -q localhost"], health.Nested!.Arguments);
    }

    [Fact]
    public void Healthcheck_flags_after_cmd_belong_to_the_command()
    {
        var health = Second("HEALTHCHECK CMD --interval=1s probe");

        Assert.Empty(health.Flags);
        Assert.Equal(["CMD", "--interval=1s probe"], health.Arguments);
    }

    [Fact]
    public void Onbuild_holds_its_trigger_as_a_nested_node()
    {
        var onbuild = Second("ONBUILD COPY --chown=app . /app/src");

        Assert.Equal("onbuild", onbuild.Instruction);
        Assert.Empty(onbuild.Arguments);
        var trigger = Assert.IsType<DockerfileNode>(onbuild.Nested);
        Assert.Equal("copy", trigger.Instruction);
        Assert.Equal(["--chown=app"], trigger.Flags);
        Assert.Equal([".", "/app/src"], trigger.Arguments);
        Assert.Equal("COPY --chown=app . /app/src", trigger.Original);
        Assert.Equal("ONBUILD COPY --chown=app . /app/src", onbuild.Original);
    }

    [Fact]
    public void Onbuild_trigger_keyword_is_case_insensitive()
    {
        var onbuild = Second("onbuild run make");

        Assert.Equal("run", onbuild.Nested!.Instruction);
        Assert.Equal(["make"], onbuild.Nested.Arguments);
    }

    [Fact]
    public void Onbuild_trigger_may_be_an_instruction_unknown_today()
    {
        // BuildKit stores the trigger text and only reads it when a child image is built.
        var onbuild = Second("ONBUILD FUTURE thing");

        Assert.Equal("future", onbuild.Nested!.Instruction);
        Assert.Empty(onbuild.Nested.Arguments);
    }

    [Fact]
    public void Instruction_without_arguments_has_none()
    {
        var document = DockerfileParser.Parse("FROM alpine\nCMD\nUSER\nEXPOSE\nCOPY\nENV\nARG\n");

        Assert.All(document.Instructions.Skip(1), node => Assert.Empty(node.Arguments));
    }

    [Fact]
    public void Instruction_with_only_flags_has_flags_and_no_arguments()
    {
        var copy = Second("COPY --from=build");

        Assert.Equal(["--from=build"], copy.Flags);
        Assert.Empty(copy.Arguments);
    }

    [Fact]
    public void Flags_use_the_escape_character_of_the_file()
    {
        var document = DockerfileParser.Parse("# escape=`\nFROM alpine\nRUN --mount=type=bind,target=C:\\src`,x echo\n");

        Assert.Equal(["--mount=type=bind,target=C:\\src,x"], document.Instructions[1].Flags);
    }

    [Fact]
    public void Non_ascii_characters_in_flags_are_kept_whole()
    {
        var copy = Second("COPY --chown=用户 --from=étape src /dst");

        Assert.Equal(["--chown=用户", "--from=étape"], copy.Flags);
        Assert.Equal(["src", "/dst"], copy.Arguments);
    }

    [Fact]
    public void Non_ascii_space_does_not_end_a_flag()
    {
        var run = Second("RUN --network=none\u3000x echo");

        Assert.Equal(["--network=none\u3000x"], run.Flags);
        Assert.Equal(["echo"], run.Arguments);
    }

    [Fact]
    public void Healthcheck_type_word_ends_at_ascii_space_only()
    {
        var health = Second("HEALTHCHECK CMD\u3000probe now");

        Assert.Equal(["CMD\u3000probe", "now"], health.Arguments);
        Assert.Null(health.Nested);
    }
}
