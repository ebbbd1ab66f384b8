using System.CommandLine;

using Hyper.Cli.Output;
using Hyper.Distribution;
using Hyper.Distribution.Progress;
using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>The options every command that moves images shares: progress output, platform, registries spoken to over HTTP.</summary>
internal sealed class TransferOptions
{
    public Option<string> Progress { get; } = CreateProgressOption();

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print nothing but errors and the result" };

    public Option<string?> Platform { get; } = new("--platform") { Description = "From an index, take the image for os/arch[/variant] (default: this machine's)" };

    public Option<string[]> InsecureRegistries { get; } = new("--insecure-registry")
    {
        Description = "Use plain HTTP for this registry HOST[:PORT] (localhost and 127.0.0.1 always are) (repeatable)",
    };

    public Option<bool> TlsVerify { get; } = RegistryTransportOptions.TlsVerify();

    public Option<string[]> CaFile { get; } = RegistryTransportOptions.CaFile();

    public Option<string?> AuthFile { get; } = RegistryTransportOptions.AuthFile();

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Progress);
        command.Add(Quiet);
        command.Add(Platform);
        command.Add(InsecureRegistries);
        command.Add(TlsVerify);
        command.Add(CaFile);
        command.Add(AuthFile);
    }

    /// <summary>The platform asked for, or this machine's.</summary>
    public Platform PlatformOf(ParseResult parse) =>
        parse.GetValue(Platform) is { Length: > 0 } text ? Oci.Platform.Parse(text) : Oci.Platform.Current;

    /// <summary>
    /// A registry client with the credentials <c>hyperbuild login</c> (or docker, podman) kept, the CA files given, the
    /// insecure registries given, and with <c>--tls-verify=false</c> certificates unchecked for the registries of <paramref name="locations"/>.
    /// </summary>
    public RegistryClient CreateClient(ParseResult parse, params ImageLocation[] locations)
    {
        var options = RegistryClientEnvironment.CreateOptions(AuthFileCredentialProvider.For(RegistryTransportOptions.AuthFilesOf(parse, AuthFile)));
        foreach (var registry in parse.GetValue(InsecureRegistries) ?? [])
        {
            options.InsecureRegistries.Add(registry);
        }

        foreach (var file in parse.GetValue(CaFile) ?? [])
        {
            options.CertificateAuthorityFiles.Add(Path.GetFullPath(file));
        }

        if (!parse.GetValue(TlsVerify))
        {
            foreach (var location in locations)
            {
                if (location.Reference is { } reference)
                {
                    options.TlsVerificationSkipped.Add(reference.Registry);
                }
            }
        }

        return new RegistryClient(options);
    }

    /// <summary>Runs <paramref name="work"/> with progress shown as <c>--progress</c> asks on standard error, or not at all with <c>-q</c>.</summary>
    public async Task<T> WithProgressAsync<T>(ParseResult parse, Func<IProgress<TransferProgress>?, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (parse.GetValue(Quiet))
        {
            return await work(null).ConfigureAwait(false);
        }

        var view = ProgressView.Create(parse.GetValue(Progress)!, parse.InvocationConfiguration.Error);
        T result = default!;
        await view.RunAsync(async progress => result = await work(progress).ConfigureAwait(false)).ConfigureAwait(false);
        return result;
    }

    private static Option<string> CreateProgressOption()
    {
        var option = new Option<string>("--progress") { Description = "Progress output: auto, plain or tty", DefaultValueFactory = static _ => "auto" };
        option.AcceptOnlyFromAmong("auto", "plain", "tty");
        return option;
    }
}
