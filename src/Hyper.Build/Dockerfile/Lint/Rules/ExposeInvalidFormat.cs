namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary><c>EXPOSE 127.0.0.1:80:80</c>: publishing is decided at run time; the address and host port are ignored.</summary>
public sealed class ExposeInvalidFormat : ILintRule
{
    public string Name => "ExposeInvalidFormat";

    public string Description => "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/expose-invalid-format/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return ExposedPorts.Of(subject)
            .Where(static p => p.Port.Contains(':', StringComparison.Ordinal))
            .Select(p => LintViolation.At(this, p.Node, $"EXPOSE instruction should not define an IP address or host-port mapping, found '{p.Port}'"));
    }
}
