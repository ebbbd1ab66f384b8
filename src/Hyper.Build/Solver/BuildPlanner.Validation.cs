using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

using Hyper.Build.Context;
using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Oci;

namespace Hyper.Build.Solver;

public sealed partial class BuildPlanner
{
    private static readonly HashSet<string> SignalNames = new(
        [
            "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
            "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
            "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
            .. Enumerable.Range(1, 15).Select(static i => $"RTMIN+{i}"),
            .. Enumerable.Range(1, 14).Select(static i => $"RTMAX-{i}"),
        ],
        StringComparer.Ordinal);

    /// <summary>A signal number other than 0, or a signal name with or without <c>SIG</c>, in any case.</summary>
    private string CheckSignal(StopSignalInstruction stop, string signal)
    {
        if (int.TryParse(signal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number != 0 ? signal : throw Error(stop, $"Invalid signal: {signal}", "give a signal name such as SIGTERM or SIGINT, or its number");
        }

        var name = signal.ToUpperInvariant();
        name = name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : name;
        return SignalNames.Contains(name)
            ? signal
            : throw Error(stop, Suggestion.Append($"Invalid signal: {signal}", name, SignalNames), "give a signal name such as SIGTERM or SIGINT, or its number");
    }

    /// <summary>An octal mode up to 07777, or a symbolic one such as <c>u+x,g-w</c>.</summary>
    private void CheckChmod(Instruction instruction, string? chmod)
    {
        if (chmod is null)
        {
            return;
        }

        var octal = $"invalid chmod parameter: '{chmod}'. it should be octal string and between 0 and 07777";
        if (chmod.All(char.IsAsciiDigit))
        {
            try
            {
                if (Convert.ToUInt32(chmod, 8) <= Convert.ToUInt32("7777", 8))
                {
                    return;
                }
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
            }

            throw Error(instruction, octal, "e.g. --chmod=0755 or --chmod=u+x");
        }

        if (!SymbolicModePattern().IsMatch(chmod))
        {
            throw Error(instruction, $"invalid chmod parameter: '{chmod}'", "give an octal mode such as 0755 or a symbolic mode such as u=rwx,go=rx");
        }
    }

    private void CheckChecksum(AddInstruction add, AddInstruction expanded)
    {
        if (expanded.Checksum is not { } checksum)
        {
            return;
        }

        if (expanded.Sources.Count + expanded.SourceContents.Count != 1)
        {
            throw Error(add, "checksum can't be specified for multiple sources", "give each remote file its own ADD --checksum");
        }

        var source = expanded.Sources.FirstOrDefault() ?? string.Empty;
        if (IsGitSource(source))
        {
            return;
        }

        if (!IsUrl(source))
        {
            throw Error(add, "checksum requires HTTP(S) or Git sources", "--checksum verifies downloads; local files are taken as they are");
        }

        if (!Digest.TryParse(checksum, out _, out var problem))
        {
            throw Error(add, problem, "write --checksum=sha256:<64 hex digits>");
        }
    }

    private static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static bool IsGitSource(string source) =>
        source.StartsWith("git@", StringComparison.Ordinal)
        || source.StartsWith("git://", StringComparison.Ordinal)
        || source.StartsWith("ssh://", StringComparison.Ordinal)
        || (IsUrl(source) && (source.Split('#')[0].EndsWith(".git", StringComparison.Ordinal) || source.Contains(".git#", StringComparison.Ordinal)));

    /// <summary>A mount needs a target other than <c>/</c>; a relative one is under the working directory.</summary>
    private void CheckMountTarget(StageState stage, RunInstruction run, RunMount mount)
    {
        if (mount.Type is MountType.Secret or MountType.Ssh)
        {
            return;
        }

        if (ResolvePath(stage.WorkingDirectory, mount.Target ?? string.Empty) == "/")
        {
            throw Error(run, "invalid mount target \"/\"", "give the mount a target directory, e.g. --mount=type=cache,target=/root/.cache");
        }
    }

    private static string ResolvePath(string workingDirectory, string path) =>
        LexicalPath.Clean(path.StartsWith('/') ? path : $"{workingDirectory.TrimEnd('/')}/{path}");

    /// <summary><c>[ip:][hostPort:]port[-end][/proto]</c> to one <c>port/proto</c> per port, as EXPOSE stores them.</summary>
    private IEnumerable<string> ExpandPort(ExposeInstruction expose, string raw)
    {
        var parts = raw.Split(':');
        var ip = parts.Length > 2 ? string.Join(':', parts[..^2]) : string.Empty;
        var hostPort = parts.Length > 1 ? parts[^2] : string.Empty;
        var containerPort = parts[^1];
        var slash = containerPort.IndexOf('/', StringComparison.Ordinal);
        var port = slash < 0 ? containerPort : containerPort[..slash];
        var protocol = slash < 0 ? "tcp" : containerPort[(slash + 1)..];
        const string Hint = "write EXPOSE <port>[/tcp|udp|sctp], e.g. EXPOSE 8080/tcp or EXPOSE 7000-7010";
        if (port.Length == 0)
        {
            throw Error(expose, $"invalid port: \"{raw}\": no port specified", Hint);
        }

        if (protocol.ToLowerInvariant() is not ("tcp" or "udp" or "sctp"))
        {
            throw Error(expose, $"invalid port: \"{raw}\": invalid proto: {protocol}", Hint);
        }

        var trimmedIp = ip.StartsWith('[') && ip.EndsWith(']') ? ip[1..^1] : ip;
        if (ip.Length > 0 && !IPAddress.TryParse(trimmedIp, out _))
        {
            throw Error(expose, $"invalid IP address: {ip}", Hint);
        }

        if (!TryParsePortRange(port, out var start, out var end))
        {
            throw Error(expose, $"invalid containerPort: {port}", Hint);
        }

        if (hostPort.Length > 0)
        {
            if (!TryParsePortRange(hostPort, out var hostStart, out var hostEnd))
            {
                throw Error(expose, $"invalid hostPort: {hostPort}", Hint);
            }

            if (end - start != hostEnd - hostStart && end != start)
            {
                throw Error(expose, $"invalid ranges specified for container and host Ports: {port} and {hostPort}", Hint);
            }
        }

        return Enumerable.Range(start, end - start + 1).Select(p => $"{p}/{protocol.ToLowerInvariant()}");
    }

    private static bool TryParsePortRange(string text, out int start, out int end)
    {
        end = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = dash < 0 ? text : text[..dash];
        if (!TryParsePort(first, out start))
        {
            return false;
        }

        if (dash < 0 || text[(dash + 1)..] == first)
        {
            end = start;
            return true;
        }

        return TryParsePort(text[(dash + 1)..], out end) && end >= start;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;

    [GeneratedRegex("^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+(?:,[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+)*$")]
    private static partial Regex SymbolicModePattern();
}
