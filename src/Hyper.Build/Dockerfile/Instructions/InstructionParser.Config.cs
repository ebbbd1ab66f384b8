using System.Text.RegularExpressions;

namespace Hyper.Build.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static EnvInstruction ParseEnv(DockerfileNode node)
    {
        NoFlags(node, "ENV");
        return new EnvInstruction { Node = node, Variables = ReadKeyValues(node, "ENV") };
    }

    private static LabelInstruction ParseLabel(DockerfileNode node)
    {
        NoFlags(node, "LABEL");
        return new LabelInstruction { Node = node, Labels = ReadKeyValues(node, "LABEL") };
    }

    // The parser gives ENV and LABEL as triples: key, value, and "=" or "" for the legacy "key value" form.
    private static List<KeyValue> ReadKeyValues(DockerfileNode node, string name)
    {
        var args = node.Arguments;
        if (args.Count == 0)
        {
            throw new InvalidInstructionException($"{name} requires at least one argument", $"write {name} key=value");
        }

        if (args.Count % 3 != 0)
        {
            throw new InvalidInstructionException($"Bad input to {name}, too many arguments", $"write {name} key=value [key=value...]");
        }

        var pairs = new List<KeyValue>(args.Count / 3);
        for (var i = 0; i < args.Count; i += 3)
        {
            if (args[i].Length == 0)
            {
                throw new InvalidInstructionException($"{name} names can not be blank", $"write {name} key=value");
            }

            pairs.Add(new KeyValue(args[i], args[i + 1], IsLegacyForm: args[i + 2].Length == 0));
        }

        return pairs;
    }

    // ARG takes no flags, and BuildKit never looks at any written on it, so they are ignored here too.
    private static ArgInstruction ParseArg(DockerfileNode node, IReadOnlyList<string> comments)
    {
        RequireAtLeastOne(node, "ARG", "ARG <name>[=<default>]");
        var definitions = new List<ArgDefinition>(node.Arguments.Count);
        foreach (var arg in node.Arguments)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                throw new InvalidInstructionException("ARG names can not be blank", "write ARG <name>[=<default>]");
            }

            var name = equals < 0 ? arg : arg[..equals];
            definitions.Add(new ArgDefinition(name, equals < 0 ? null : arg[(equals + 1)..], Describe(comments, name)));
        }

        return new ArgInstruction { Node = node, Arguments = definitions };
    }

    private static WorkdirInstruction ParseWorkdir(DockerfileNode node)
    {
        RequireExactlyOne(node, "WORKDIR", "WORKDIR <path>");
        NoFlags(node, "WORKDIR");
        return new WorkdirInstruction { Node = node, Path = node.Arguments[0] };
    }

    private static UserInstruction ParseUser(DockerfileNode node)
    {
        RequireExactlyOne(node, "USER", "USER <user>[:<group>]");
        NoFlags(node, "USER");
        return new UserInstruction { Node = node, User = node.Arguments[0] };
    }

    private static VolumeInstruction ParseVolume(DockerfileNode node)
    {
        RequireAtLeastOne(node, "VOLUME", "VOLUME <path>...");
        NoFlags(node, "VOLUME");
        var volumes = node.Arguments.Select(static v => v.Trim()).ToList();
        if (volumes.Any(static v => v.Length == 0))
        {
            throw new InvalidInstructionException("VOLUME specified can not be an empty string", "write VOLUME /path");
        }

        return new VolumeInstruction { Node = node, Volumes = volumes };
    }

    private static ExposeInstruction ParseExpose(DockerfileNode node)
    {
        RequireAtLeastOne(node, "EXPOSE", "EXPOSE <port>[/<protocol>]...");
        NoFlags(node, "EXPOSE");
        return new ExposeInstruction { Node = node, Ports = [.. node.Arguments.Order(StringComparer.Ordinal)] };
    }

    // STOPSIGNAL takes no flags, and BuildKit never looks at any written on it, so they are ignored here too.
    private static StopSignalInstruction ParseStopSignal(DockerfileNode node)
    {
        RequireExactlyOne(node, "STOPSIGNAL", "STOPSIGNAL <signal>, e.g. STOPSIGNAL SIGTERM");
        return new StopSignalInstruction { Node = node, Signal = node.Arguments[0] };
    }

    private static MaintainerInstruction ParseMaintainer(DockerfileNode node)
    {
        RequireExactlyOne(node, "MAINTAINER", "LABEL org.opencontainers.image.authors=\"<name>\" instead");
        NoFlags(node, "MAINTAINER");
        return new MaintainerInstruction { Node = node, Maintainer = node.Arguments[0] };
    }

    private static OnbuildInstruction ParseOnbuild(DockerfileNode node)
    {
        var trigger = node.Nested?.Instruction ?? node.Arguments.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(trigger))
        {
            throw new InvalidInstructionException("ONBUILD requires at least one argument", "write ONBUILD <instruction>, e.g. ONBUILD COPY . /app");
        }

        NoFlags(node, "ONBUILD");
        switch (trigger.Trim().ToUpperInvariant())
        {
            case "ONBUILD":
                throw new InvalidInstructionException("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", "give ONBUILD a single instruction");
            case "MAINTAINER" or "FROM":
                throw new InvalidInstructionException(
                    $"{trigger.Trim().ToUpperInvariant()} isn't allowed as an ONBUILD trigger", "ONBUILD takes any instruction but FROM, MAINTAINER and ONBUILD");
        }

        // The trigger is checked when an image built on this one runs it, as BuildKit does.
        var expression = OnbuildPrefix().Replace(node.Original, string.Empty);
        foreach (var heredoc in node.Heredocs)
        {
            expression += "\n" + heredoc.Content + heredoc.Name;
        }

        return new OnbuildInstruction { Node = node, Expression = expression };
    }

    [GeneratedRegex(@"^\s*ONBUILD\s*", RegexOptions.IgnoreCase)]
    private static partial Regex OnbuildPrefix();
}
