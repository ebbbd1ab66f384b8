namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary><c>EXPOSE 80/TCP</c>: the protocol is stored lower case anyway.</summary>
public sealed class ExposeProtoCasing : ILintRule
{
    public string Name => "ExposeProtoCasing";

    public string Description => "Protocol in EXPOSE instruction should be lowercase";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/expose-proto-casing/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var (node, port) in ExposedPorts.Of(subject))
        {
            var slash = port.LastIndexOf('/');
            var protocol = slash < 0 ? string.Empty : port[(slash + 1)..];
            if (protocol != protocol.ToLowerInvariant())
            {
                yield return LintViolation.At(this, node, $"Defined protocol '{port}' in EXPOSE instruction should be lowercase");
            }
        }
    }
}
