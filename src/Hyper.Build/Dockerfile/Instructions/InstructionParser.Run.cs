namespace Hyper.Build.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static readonly FlagSpec[] RunFlags =
    [
        FlagSpec.Strings("mount"),
        FlagSpec.String("network"),
        FlagSpec.String("security"),
        FlagSpec.Strings("device"),
    ];

    private static RunInstruction ParseRun(DockerfileNode node)
    {
        var flags = InstructionFlags.Read("RUN", node.Flags, RunFlags);
        var mounts = flags.Strings("mount");
        foreach (var mount in mounts)
        {
            CheckMountFrom(mount);
        }

        return new RunInstruction
        {
            Node = node,
            Command = ReadCommandLine(node),
            Heredocs = node.Heredocs,
            MountSpecifications = mounts,
            Network = flags.String("network") switch
            {
                null or "default" => RunNetwork.Default,
                "none" => RunNetwork.None,
                "host" => RunNetwork.Host,
                var other => throw new InvalidInstructionException($"invalid network mode \"{other}\"", "--network takes default, none or host"),
            },
            Security = flags.String("security") switch
            {
                null or "sandbox" => RunSecurity.Sandbox,
                "insecure" => RunSecurity.Insecure,
                var other => throw new InvalidInstructionException($"security \"{other}\" is not valid", "--security takes sandbox or insecure"),
            },
            Devices = [.. flags.Strings("device").Select(ReadDevice)],
        };
    }

    // A stage to mount from must be known before variables are: the graph of stages is built from it.
    private static void CheckMountFrom(string specification)
    {
        foreach (var field in specification.Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !field[..equals].Equals("from", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = field[(equals + 1)..];
            var dollar = value.IndexOf('$', StringComparison.Ordinal);
            if (dollar >= 0 && dollar != value.Length - 1)
            {
                throw new InvalidInstructionException(
                    "'from' doesn't support variable expansion, define alias stage instead",
                    "add a stage such as 'ARG SRC=…' before the first FROM and 'FROM ${SRC} AS src', then mount from=src");
            }
        }
    }

    private static RunDevice ReadDevice(string specification)
    {
        string? name = null;
        var required = false;
        foreach (var field in specification.Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? field : field[..equals]).ToLowerInvariant();
            if (key == "required")
            {
                required = equals < 0 || field[(equals + 1)..] switch
                {
                    "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
                    "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
                    var v => throw new InvalidInstructionException($"invalid value for required: {v}", "write required, required=true or required=false"),
                };
                continue;
            }

            if (key == "name" && equals >= 0)
            {
                name = name is null
                    ? field[(equals + 1)..]
                    : throw new InvalidInstructionException($"device name already set to {name}", "give the device name once");
                continue;
            }

            // A CDI name such as vendor.com/class=all contains '=' itself, so the first unknown field is the name.
            name = name is null
                ? field
                : throw new InvalidInstructionException(
                    equals < 0 ? $"invalid field '{field}' must be a key=value pair" : Suggestion.Append($"unexpected key '{key}' in '{field}'", key, ["name", "required"]),
                    "write --device=<name>[,required]");
        }

        return new RunDevice(name ?? string.Empty, required);
    }

    private static CmdInstruction ParseCmd(DockerfileNode node)
    {
        NoFlags(node, "CMD");
        return new CmdInstruction { Node = node, Command = ReadCommandLine(node) };
    }

    private static EntrypointInstruction ParseEntrypoint(DockerfileNode node)
    {
        NoFlags(node, "ENTRYPOINT");
        return new EntrypointInstruction { Node = node, Command = ReadCommandLine(node) };
    }

    private static ShellInstruction ParseShell(DockerfileNode node)
    {
        NoFlags(node, "SHELL");
        if (node.Arguments.Count == 0)
        {
            throw new InvalidInstructionException("SHELL requires at least one argument", "write SHELL [\"/bin/bash\", \"-c\"]");
        }

        return node.IsJson
            ? new ShellInstruction { Node = node, Shell = node.Arguments }
            : throw new InvalidInstructionException("SHELL requires the arguments to be in JSON form", "write SHELL [\"/bin/bash\", \"-c\"]");
    }
}
