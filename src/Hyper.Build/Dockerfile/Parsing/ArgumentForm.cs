namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>How an instruction's arguments are split, following BuildKit's dispatch table.</summary>
internal enum ArgumentForm
{
    /// <summary>Not an instruction BuildKit knows; the arguments are dropped.</summary>
    Ignored,

    /// <summary>Split on ASCII blanks (FROM, EXPOSE).</summary>
    WhitespaceDelimited,

    /// <summary>The rest of the line as one argument (USER, WORKDIR, MAINTAINER, STOPSIGNAL).</summary>
    Single,

    /// <summary><c>key value</c> or <c>key=value …</c> as triples (ENV, LABEL).</summary>
    NameValue,

    /// <summary>Quoted words kept as written: <c>name</c> or <c>name=value</c> (ARG).</summary>
    NameOrNameValue,

    /// <summary>A JSON string array, else the rest of the line as one argument (RUN, CMD, ENTRYPOINT, SHELL).</summary>
    MaybeJson,

    /// <summary>A JSON string array, else split on ASCII blanks (COPY, ADD, VOLUME).</summary>
    MaybeJsonToList,

    /// <summary>A type word followed by a maybe-JSON command (HEALTHCHECK).</summary>
    HealthCheck,

    /// <summary>Another instruction (ONBUILD).</summary>
    SubInstruction,
}
