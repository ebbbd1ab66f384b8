using System.Net;

namespace Hyper.Registry.Configuration;

/// <summary>A listen address as Distribution writes it: <c>:5000</c>, <c>127.0.0.1:5000</c>, <c>[::1]:5000</c>.</summary>
public sealed record ListenAddress(IPAddress Address, int Port)
{
    public static ListenAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            throw new FormatException($"invalid listen address '{text}': expected host:port or :port, e.g. 127.0.0.1:5000");
        }

        var host = text[..colon].Trim('[', ']');
        IPAddress address;
        if (host.Length == 0)
        {
            address = IPAddress.Any;
        }
        else if (host == "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            throw new FormatException($"invalid listen address '{text}': '{host}' is not an IP address");
        }

        return new ListenAddress(address, port);
    }
}
