using System.Net.Http.Headers;
using System.Text;

namespace Hyper.Distribution.Registry.Auth;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge (RFC 7235): a scheme and its parameters, e.g.
/// <c>Bearer realm="https://auth.example.com/token",service="registry",scope="repository:app:pull"</c>.
/// </summary>
internal sealed record AuthenticationChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public const string BearerScheme = "Bearer";
    public const string BasicScheme = "Basic";

    public bool IsBearer => Scheme.Equals(BearerScheme, StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals(BasicScheme, StringComparison.OrdinalIgnoreCase);

    public string? this[string name] => Parameters.GetValueOrDefault(name);

    public AuthenticationChallenge WithoutScope() =>
        this with { Parameters = Parameters.Where(p => !p.Key.Equals("scope", StringComparison.OrdinalIgnoreCase)).ToDictionary(StringComparer.OrdinalIgnoreCase) };

    /// <summary>The challenges of a 401 answer, Bearer first: a registry offering both is better used with tokens.</summary>
    public static IReadOnlyList<AuthenticationChallenge> From(HttpResponseHeaders headers) =>
        headers.WwwAuthenticate
            .Select(value => new AuthenticationChallenge(value.Scheme, ParseParameters(value.Parameter)))
            .OrderBy(challenge => challenge.IsBearer ? 0 : 1)
            .ToList();

    /// <summary>Reads <c>name=value</c> pairs separated by commas; values may be quoted with backslash escapes.</summary>
    internal static Dictionary<string, string> ParseParameters(string? text)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        while (text is not null && position < text.Length)
        {
            while (position < text.Length && (text[position] == ',' || char.IsWhiteSpace(text[position])))
            {
                position++;
            }

            var equals = text.IndexOf('=', position);
            if (equals < 0)
            {
                break;
            }

            var name = text[position..equals].Trim();
            position = equals + 1;
            var value = new StringBuilder();
            if (position < text.Length && text[position] == '"')
            {
                position++;
                while (position < text.Length && text[position] != '"')
                {
                    if (text[position] == '\\' && position + 1 < text.Length)
                    {
                        position++;
                    }

                    value.Append(text[position++]);
                }

                position++;
            }
            else
            {
                while (position < text.Length && text[position] != ',')
                {
                    value.Append(text[position++]);
                }
            }

            if (name.Length > 0)
            {
                parameters[name] = value.ToString().Trim();
            }
        }

        return parameters;
    }
}
