using System.CommandLine;

using Hyper.Build.Context;
using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Dockerfile.Lint;
using Hyper.Build.Solver;
using Hyper.Cli.Output;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild build</c>: builds an image, or with <c>--call</c> answers the subrequests docker buildx
/// offers (check, outline, targets), which read the Dockerfile the way a build would without running anything.
/// </summary>
public static partial class BuildCommand
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The Dockerfile has an error, or <c>--check</c> found warnings.</summary>
    public const int DockerfileFailed = 1;

    /// <summary>The command line cannot be acted on, or asks for something not available yet.</summary>
    public const int UsageFailed = 2;

    public static Command Create()
    {
        var file = new Option<string?>("--file", "-f") { Description = "Path of the Dockerfile (default: CONTEXT/Dockerfile)" };
        var buildArgs = new Option<string[]>("--build-arg")
        {
            Description = "Set a build argument: NAME=VALUE, or NAME to take the value from the environment (repeatable)",
        };
        var target = new Option<string?>("--target") { Description = "The stage to build" };
        var platform = new Option<string?>("--platform") { Description = "The platform to build for, e.g. linux/arm64, arm64 or local (default: this machine's)" };
        var call = new Option<string?>("--call")
        {
            Description = "Inspect the Dockerfile instead of building: check, outline or targets (',format=json' may follow)",
        };
        var check = new Option<bool>("--check") { Description = "Shorthand for --call=check" };
        var format = new Option<string>("--format")
        {
            Description = "Image format: oci (default) or docker; for --call output: text (default) or json",
        };
        format.AcceptOnlyFromAmong("oci", "docker", "text", "json");
        var tags = new Option<string[]>("--tag", "-t") { Description = "Name the image NAME[:TAG] (repeatable)" };
        var outputs = new Option<string[]>("--output", "-o")
        {
            Description = "Also write the image: type=oci,dest=DIR|FILE.tar  type=docker,dest=FILE.tar  type=local,dest=DIR (or just DIR)",
        };
        var compression = new Option<string>("--compression") { Description = "Layer compression: gzip (default), zstd or none", DefaultValueFactory = static _ => "gzip" };
        compression.AcceptOnlyFromAmong("gzip", "zstd", "none", "uncompressed");
        var network = new Option<string>("--network") { Description = "Network of RUN steps: default, none or host", DefaultValueFactory = static _ => "default" };
        network.AcceptOnlyFromAmong("default", "none", "host");
        var progress = new Option<string>("--progress") { Description = "Progress output: auto, plain or tty", DefaultValueFactory = static _ => "auto" };
        progress.AcceptOnlyFromAmong("auto", "plain", "tty");
        var buildContexts = new Option<string[]>("--build-context")
        {
            Description = "Extra named context NAME=VALUE: docker-image://REF, oci-layout://DIR[:TAG] or a directory (repeatable)",
        };
        var secrets = new Option<string[]>("--secret")
        {
            Description = "Give RUN --mount=type=secret a secret: id=ID,src=FILE or id=ID,env=VARIABLE (repeatable)",
        };
        var ssh = new Option<string[]>("--ssh")
        {
            Description = "Give RUN --mount=type=ssh an ssh-agent: ID=SOCKET, or ID (e.g. default) for $SSH_AUTH_SOCK (repeatable)",
        };
        var pull = new Option<bool>("--pull") { Description = "Fetch base images again even when the local store has them" };
        var insecure = new Option<string[]>("--insecure-registry") { Description = "Use plain HTTP for this registry HOST[:PORT] (localhost and 127.0.0.1 always are) (repeatable)" };
        var authFile = RegistryTransportOptions.AuthFile();
        var push = new Option<bool>("--push") { Description = "Push the image to the registry of each -t name after building it" };
        var noCache = new Option<bool>("--no-cache") { Description = "Run every step; reuse nothing from the build cache" };
        var noCacheFilter = new Option<string[]>("--no-cache-filter") { Description = "Run the steps of this stage even when cached (repeatable, or comma-separated)" };
        var jobs = new Option<int>("--jobs")
        {
            Description = "How many independent stages build at once (default: the number of processors; 1 builds them one by one)",
            DefaultValueFactory = static _ => Environment.ProcessorCount,
        };
        jobs.Validators.Add(static result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--jobs must be at least 1");
            }
        });
        var cacheTo = new Option<string[]>("--cache-to")
        {
            Description = "Export the build cache: type=registry,ref=REF or type=local,dest=DIR [,mode=min|max] (repeatable)",
        };
        var cacheFrom = new Option<string[]>("--cache-from")
        {
            Description = "Import build cache: type=registry,ref=REF, type=local,src=DIR, or REF (repeatable)",
        };
        var context = new Argument<string>("CONTEXT") { Description = "The build context: a directory, or - for a tarball on standard input" };

        var command = new Command("build", "Build an image from a Dockerfile; with --call, check it or list what it offers.")
        {
            file, buildArgs, target, platform, call, check, format, tags, outputs, compression, network, progress, buildContexts, secrets, ssh, pull, insecure, authFile, push, noCache, noCacheFilter, cacheTo, cacheFrom, jobs, context,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var formatValue = parse.GetValue(format);
                var request = CallRequest.Parse(parse.GetValue(check) ? "check" : parse.GetValue(call), formatValue is "json" ? "json" : "text");
                if (request.Method == "build")
                {
                    return await BuildAsync(parse, new BuildArguments(
                        parse.GetValue(context)!,
                        parse.GetValue(file),
                        parse.GetValue(buildArgs) ?? [],
                        parse.GetValue(target),
                        parse.GetValue(platform),
                        parse.GetValue(tags) ?? [],
                        parse.GetValue(outputs) ?? [],
                        parse.GetValue(compression)!,
                        formatValue ?? "oci",
                        parse.GetValue(network)!,
                        parse.GetValue(progress)!,
                        parse.GetValue(buildContexts) ?? [],
                        parse.GetValue(pull),
                        parse.GetValue(insecure) ?? [],
                        parse.GetValue(push),
                        parse.GetValue(secrets) ?? [],
                        parse.GetValue(ssh) ?? [])
                    {
                        NoCache = parse.GetValue(noCache),
                        NoCacheFilter = parse.GetValue(noCacheFilter) ?? [],
                        CacheTo = parse.GetValue(cacheTo) ?? [],
                        CacheFrom = parse.GetValue(cacheFrom) ?? [],
                        Jobs = parse.GetValue(jobs),
                        AuthFiles = RegistryTransportOptions.AuthFilesOf(parse, authFile),
                    }, cancellationToken).ConfigureAwait(false);
                }

                var inputs = ReadInputs(
                    parse.GetValue(context)!, parse.GetValue(file), parse.GetValue(buildArgs) ?? [], parse.GetValue(target), parse.GetValue(platform));
                return request.Method switch
                {
                    "check" => RunCheck(output, inputs, request.Json),
                    "outline" => RunOutline(output, inputs, request.Json),
                    _ => RunTargets(output, inputs, request.Json),
                };
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or BuildContextException)
            {
                error.WriteLine($"hyperbuild: {e.Message}");
                return UsageFailed;
            }
            catch (DockerfileException e)
            {
                error.WriteLine($"hyperbuild: {e.Message}");
                return DockerfileFailed;
            }
        });
        return command;
    }

    private static int RunCheck(TextWriter output, BuildInputs inputs, bool json)
    {
        var result = DockerfileCheck.Run(inputs.Text, inputs.FileName, inputs.Options, inputs.Ignore);
        if (json)
        {
            CheckReportWriter.WriteJson(output, result);
        }
        else
        {
            CheckReportWriter.WriteText(output, result, inputs.FileName, inputs.Lines);
        }

        // As buildx: the check's status is 1 whenever it found anything, warnings included, in either format;
        // # check=error=true only changes what is said ("Check failed") and makes a build stop.
        return result.Failed || result.Violations.Count > 0 ? DockerfileFailed : Ok;
    }

    private static int RunOutline(TextWriter output, BuildInputs inputs, bool json)
    {
        var plan = BuildPlanner.Plan(InstructionParser.Parse(DockerfileParser.Parse(inputs.Text, inputs.FileName)), inputs.Options);
        if (json)
        {
            OutlineWriter.WriteJson(output, plan.Outline);
        }
        else
        {
            OutlineWriter.WriteText(output, plan.Outline);
        }

        return Ok;
    }

    private static int RunTargets(TextWriter output, BuildInputs inputs, bool json)
    {
        var targets = TargetList.From(InstructionParser.Parse(DockerfileParser.Parse(inputs.Text, inputs.FileName)));
        if (json)
        {
            TargetListWriter.WriteJson(output, targets);
        }
        else
        {
            TargetListWriter.WriteText(output, targets);
        }

        return Ok;
    }
}
