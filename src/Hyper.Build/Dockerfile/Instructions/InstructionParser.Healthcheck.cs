using System.Globalization;

using Hyper.Oci;

namespace Hyper.Build.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static readonly FlagSpec[] HealthcheckFlags =
    [
        FlagSpec.String("interval"),
        FlagSpec.String("timeout"),
        FlagSpec.String("start-period"),
        FlagSpec.String("start-interval"),
        FlagSpec.String("retries"),
    ];

    private static HealthcheckInstruction ParseHealthcheck(DockerfileNode node)
    {
        // The parser may give the command as a nested node or as the arguments after the type word.
        string? type;
        IReadOnlyList<string> args;
        bool isJson;
        if (node.Nested is { } nested)
        {
            type = nested.Instruction;
            args = nested.Arguments;
            isJson = nested.IsJson;
        }
        else
        {
            type = node.Arguments.FirstOrDefault();
            args = [.. node.Arguments.Skip(1)];
            isJson = node.IsJson;
        }

        if (string.IsNullOrEmpty(type))
        {
            throw new InvalidInstructionException("HEALTHCHECK requires at least one argument", "write HEALTHCHECK [options] CMD <command>, or HEALTHCHECK NONE");
        }

        type = type.ToUpperInvariant();

        // BuildKit reads no flags for NONE, so whatever is written there is ignored.
        if (type == "NONE")
        {
            return args.Count == 0
                ? new HealthcheckInstruction { Node = node, Test = ["NONE"] }
                : throw new InvalidInstructionException("HEALTHCHECK NONE takes no arguments", "write HEALTHCHECK NONE to disable a health check inherited from the base image");
        }

        var flags = InstructionFlags.Read("HEALTHCHECK", node.Flags, HealthcheckFlags);
        if (type != "CMD")
        {
            throw new InvalidInstructionException($"Unknown type \"{type}\" in HEALTHCHECK (try CMD)", "write HEALTHCHECK [options] CMD <command>, or HEALTHCHECK NONE");
        }

        var command = isJson || args.Count == 0 ? args : [string.Join(' ', args)];
        if (command.Count == 0)
        {
            throw new InvalidInstructionException("Missing command after HEALTHCHECK CMD", "write HEALTHCHECK CMD <command>, e.g. HEALTHCHECK CMD curl -f http://localhost/");
        }

        return new HealthcheckInstruction
        {
            Node = node,
            Test = [isJson ? "CMD" : "CMD-SHELL", .. command],
            Interval = ReadInterval(flags, "interval"),
            Timeout = ReadInterval(flags, "timeout"),
            StartPeriod = ReadInterval(flags, "start-period"),
            StartInterval = ReadInterval(flags, "start-interval"),
            Retries = ReadRetries(flags.String("retries")),
        };
    }

    private static TimeSpan ReadInterval(InstructionFlags flags, string name)
    {
        var text = flags.String(name);
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.Zero;
        }

        if (!GoDuration.TryParse(text, out var duration, out var error))
        {
            throw new InvalidInstructionException(error, $"--{name} takes a duration such as 30s, 1m30s or 500ms");
        }

        if (duration != TimeSpan.Zero && duration < TimeSpan.FromMilliseconds(1))
        {
            throw new InvalidInstructionException($"Interval \"{name}\" cannot be less than 1ms", $"give --{name} at least 1ms, or 0 for the default");
        }

        return duration;
    }

    private static int ReadRetries(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var retries))
        {
            throw new InvalidInstructionException($"strconv.ParseInt: parsing \"{text}\": invalid syntax", "--retries takes a whole number, e.g. --retries=3");
        }

        return retries >= 0
            ? retries
            : throw new InvalidInstructionException($"--retries cannot be negative ({retries})", "--retries takes a whole number, e.g. --retries=3");
    }
}
