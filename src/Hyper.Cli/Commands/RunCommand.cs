using System.CommandLine;

using Hyper.Build.Engine;
using Hyper.Build.Execution;

namespace Hyper.Cli.Commands;

/// <summary><c>hyperbuild run IMAGE [COMMAND…]</c>: runs an image from the local store once, like <c>docker run --rm</c>.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image name or ID in the local store" };
        var command = new Argument<string[]>("COMMAND") { Description = "Command and arguments instead of the image's CMD", Arity = ArgumentArity.ZeroOrMore };
        var entrypoint = new Option<string?>("--entrypoint") { Description = "Replace the image's ENTRYPOINT ('' clears it)" };
        var environment = new Option<string[]>("--env", "-e") { Description = "Set a variable NAME=VALUE (repeatable)" };
        var user = new Option<string?>("--user", "-u") { Description = "Run as USER[:GROUP] (names from the image's /etc/passwd)" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory inside the container" };
        var network = new Option<string>("--network") { Description = "default, none or host", DefaultValueFactory = static _ => "default" };
        network.AcceptOnlyFromAmong("default", "none", "host");
        var run = new Command("run", "Run a command in a new container from an image in the local store")
        {
            image, command, entrypoint, environment, user, workdir, network,
        };
        run.TreatUnmatchedTokensAsErrors = true;
        run.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            using var root = await DataRoot.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            using var inUse = await root.LockForUseAsync(cancellationToken).ConfigureAwait(false);
            var name = parse.GetValue(image)!;
            var stored = await root.Images.FindAsync(name, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                error.WriteLine($"hyperbuild: no such image in the local store: {name}");
                return 125;
            }

            var options = new RunOptions
            {
                Command = parse.GetValue(command) ?? [],
                Entrypoint = parse.GetValue(entrypoint),
                Environment = parse.GetValue(environment) ?? [],
                User = parse.GetValue(user),
                WorkingDirectory = parse.GetValue(workdir),
                Network = parse.GetValue(network) switch
                {
                    "none" => NetworkMode.None,
                    "host" => NetworkMode.Host,
                    _ => NetworkMode.Default,
                },
            };
            try
            {
                var runner = new ImageRunner(root.Images, root.Snapshots, root.Containers);
                var lockObject = new Lock();
                return await runner.RunAsync(stored, options, line =>
                {
                    lock (lockObject)
                    {
                        output.WriteLine(line);
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ArgumentException or IOException)
            {
                // 125: docker's code for "the container could not be started", apart from the command's own codes.
                error.WriteLine($"hyperbuild: {e.Message}");
                return 125;
            }
        });
        return run;
    }
}
