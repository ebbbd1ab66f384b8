using System.Buffers;
using System.Diagnostics.CodeAnalysis;

using static Hyper.Oci.ReferenceGrammar;

namespace Hyper.Oci;

/// <summary>
/// An image reference, <c>[registry/]repository[:tag][@digest]</c>, following the grammar and the docker
/// normalisation of github.com/distribution/reference: <c>busybox</c> means
/// <c>docker.io/library/busybox:latest</c>. Every instance is normalised, so parsing
/// <see cref="ToString"/> gives back an equal reference.
/// </summary>
public sealed record Reference : ISpanParsable<Reference>
{
    public const string DockerHubRegistry = "docker.io";
    public const string DefaultTag = "latest";

    /// <summary>The longest <see cref="Name"/> (registry, '/', repository) accepted.</summary>
    public const int MaxNameLength = 255;

    public const int MaxTagLength = ReferenceGrammar.MaxTagLength;

    // Docker Hub's old name; references to it mean docker.io.
    private const string LegacyDockerHubRegistry = "index.docker.io";

    // Docker Hub keeps its official images here; 'busybox' is 'library/busybox'.
    private const string OfficialImagesPrefix = "library/";

    private const string ExpectedForm = "expected '[registry/]repository[:tag][@digest]', e.g. 'docker.io/library/busybox:latest'";

    private static readonly SearchValues<char> LowercaseHexDigits =
        SearchValues.Create("0123456789abcdef");

    private Reference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
        Name = $"{registry}/{repository}";
    }

    /// <summary>The registry host with its port, if any: <c>docker.io</c>, <c>localhost:5000</c>, <c>[::1]:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The path within the registry, e.g. <c>library/busybox</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag; <c>latest</c> when the reference gave neither tag nor digest.</summary>
    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary><see cref="Registry"/>/<see cref="Repository"/>, without tag or digest.</summary>
    public string Name { get; }

    /// <summary>The fully-qualified form, e.g. <c>docker.io/library/busybox:latest</c>.</summary>
    public override string ToString() => Format(Name);

    /// <summary>
    /// Docker's short display form: on Docker Hub the registry is left out, and so is <c>library/</c> for
    /// official images (<c>busybox:latest</c>, <c>user/app:1</c>). Other registries are shown in full.
    /// </summary>
    public string ToFamiliarString()
    {
        if (Registry != DockerHubRegistry)
        {
            return ToString();
        }

        // Only a single component under library/ is an official image; 'library/a/b' stays as it is,
        // otherwise it would read back as docker.io/a/b.
        var path = Repository;
        if (path.StartsWith(OfficialImagesPrefix, StringComparison.Ordinal)
            && path.IndexOf('/', OfficialImagesPrefix.Length) < 0)
        {
            path = path[OfficialImagesPrefix.Length..];
        }

        return Format(path);
    }

    private string Format(string name)
    {
        var tag = Tag is null ? string.Empty : ":" + Tag;
        var digest = Digest is { } d ? "@" + d.ToString() : string.Empty;
        return string.Concat(name, tag, digest);
    }

    /// <summary>This reference with <paramref name="tag"/> in place of its tag; the digest is kept.</summary>
    public Reference WithTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var problem = CheckTag(tag, out var at);
        if (problem != TagProblem.None)
        {
            throw new ArgumentException(DescribeTagProblem(problem, tag, at), nameof(tag));
        }

        return new Reference(Registry, Repository, tag, Digest);
    }

    /// <summary>This reference with <paramref name="digest"/> in place of its digest; the tag is kept.</summary>
    public Reference WithDigest(Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new ArgumentException("the digest is empty", nameof(digest));
        }

        return new Reference(Registry, Repository, Tag, digest);
    }

    /// <summary>
    /// A reference from its parts, checked and normalised as <see cref="Parse(string)"/> would: an
    /// <c>index.docker.io</c> registry becomes <c>docker.io</c>, a one-component Docker Hub repository gains
    /// <c>library/</c>, and the tag is <c>latest</c> when neither tag nor digest is given. Throws
    /// <see cref="ArgumentException"/> saying which part is wrong.
    /// </summary>
    public static Reference Create(string registry, string repository, string? tag = null, Digest? digest = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(registry);
        ArgumentException.ThrowIfNullOrEmpty(repository);

        // A registry that would not be read back as one would turn into the first path component.
        if (!LooksLikeRegistry(registry))
        {
            throw new ArgumentException(
                $"registry '{registry}' would be read as part of a Docker Hub repository: a registry must contain '.' or ':', or be 'localhost'",
                nameof(registry));
        }

        if (DescribeRegistryProblem(registry) is { } registryProblem)
        {
            throw new ArgumentException($"registry '{registry}' is invalid: {registryProblem}", nameof(registry));
        }

        var pathProblem = CheckPath(repository, out var range);
        if (pathProblem != PathProblem.None)
        {
            throw new ArgumentException(DescribePathProblem(pathProblem, repository, range), nameof(repository));
        }

        if (tag is not null)
        {
            var tagProblem = CheckTag(tag, out var at);
            if (tagProblem != TagProblem.None)
            {
                throw new ArgumentException(DescribeTagProblem(tagProblem, tag, at), nameof(tag));
            }
        }

        if (digest is { IsEmpty: true })
        {
            throw new ArgumentException("the digest is empty; pass null for no digest", nameof(digest));
        }

        return TryNormalise(registry, repository, tag, digest, out var result, out var lengthProblem)
            ? result
            : throw new ArgumentException(lengthProblem, nameof(repository));
    }

    /// <summary>
    /// True when <paramref name="repository"/> is a valid repository path, <c>library/busybox</c> say, by
    /// the distribution-spec's name rule, and at most <see cref="MaxNameLength"/> characters. Allocates nothing.
    /// </summary>
    public static bool IsValidRepository([NotNullWhen(true)] string? repository) =>
        repository is not null && IsValidRepository(repository.AsSpan());

    public static bool IsValidRepository(ReadOnlySpan<char> repository) =>
        repository.Length <= MaxNameLength && CheckPath(repository, out _) == PathProblem.None;

    /// <summary>True when <paramref name="tag"/> is a valid tag: <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>. Allocates nothing.</summary>
    public static bool IsValidTag([NotNullWhen(true)] string? tag) => tag is not null && IsValidTag(tag.AsSpan());

    public static bool IsValidTag(ReadOnlySpan<char> tag) => CheckTag(tag, out _) == TagProblem.None;

    /// <summary>Parses <paramref name="s"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Reference Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider: null);
    }

    public static Reference Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    public static Reference Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, out var reference, out var error) ? reference : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? s, [MaybeNullWhen(false)] out Reference result) =>
        TryParse(s.AsSpan(), out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out Reference result) =>
        TryParse(s.AsSpan(), out result, out _);

    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, [MaybeNullWhen(false)] out Reference result) =>
        TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="s"/>, giving a message fit for a user when it is not a reference.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? s, [NotNullWhen(true)] out Reference? result, [NotNullWhen(false)] out string? error) =>
        TryParse(s.AsSpan(), out result, out error);

    /// <summary>Parses <paramref name="s"/>, giving a message fit for a user when it is not a reference.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, [NotNullWhen(true)] out Reference? result, [NotNullWhen(false)] out string? error)
    {
        if (s.IsEmpty)
        {
            result = null;
            error = $"the reference is empty; {ExpectedForm}";
            return false;
        }

        var problem = TryRead(s, out result);
        error = problem is null ? null : $"invalid reference '{s}': {problem}";
        return problem is null;
    }

    // Splits as docker's ParseNormalizedNamed does: the digest after '@', then the registry before the
    // first '/' if that part looks like one, then the tag after the first ':' of what is left.
    private static string? TryRead(ReadOnlySpan<char> s, out Reference? result)
    {
        result = null;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                return "a reference must not contain whitespace";
            }
        }

        if (s.Contains("://", StringComparison.Ordinal))
        {
            return "a reference has no URL scheme: write 'example.com/app', not 'https://example.com/app'";
        }

        var at = s.IndexOf('@');
        var name = at < 0 ? s : s[..at];
        Digest? digest = null;
        if (at >= 0)
        {
            var digestText = s[(at + 1)..];
            if (digestText.IsEmpty)
            {
                return "the digest after '@' is empty; expected e.g. 'sha256:' followed by 64 lowercase hex digits";
            }

            if (!Hyper.Oci.Digest.TryParse(digestText, out var parsed, out var digestError))
            {
                return digestError;
            }

            digest = parsed;
        }

        if (name.IsEmpty || name[0] == ':')
        {
            return $"the repository name is missing; {ExpectedForm}";
        }

        // A bare image ID would otherwise be read as a Docker Hub repository of that name.
        if (at < 0 && s.Length == 64 && !s.ContainsAnyExcept(LowercaseHexDigits))
        {
            return "a 64-digit hex string is an image ID, not a repository name";
        }

        ReadOnlySpan<char> registry = default;
        var remainder = name;
        var slash = name.IndexOf('/');
        if (slash >= 0 && LooksLikeRegistry(name[..slash]))
        {
            registry = name[..slash];
            remainder = name[(slash + 1)..];
            if (DescribeRegistryProblem(registry) is { } registryProblem)
            {
                var hint = registry.ContainsAny('.', ':') || registry is "localhost"
                    ? string.Empty
                    : " (a first component with uppercase letters is taken as a registry host; repository names must be lowercase)";
                return $"registry '{registry}' is invalid: {registryProblem}{hint}";
            }
        }

        var colon = remainder.IndexOf(':');
        var path = colon < 0 ? remainder : remainder[..colon];
        if (path.IsEmpty)
        {
            return $"the repository path after '{registry}/' is empty";
        }

        var pathProblem = CheckPath(path, out var range);
        if (pathProblem != PathProblem.None)
        {
            return DescribePathProblem(pathProblem, path, range);
        }

        string? tag = null;
        if (colon >= 0)
        {
            var tagText = remainder[(colon + 1)..];
            var tagProblem = CheckTag(tagText, out var index);
            if (tagProblem != TagProblem.None)
            {
                return DescribeTagProblem(tagProblem, tagText, index);
            }

            tag = tagText.ToString();
        }

        return TryNormalise(registry, path, tag, digest, out result, out var lengthProblem) ? null : lengthProblem;
    }

    // Applies docker's defaults to checked parts, then the length limit, which counts the registry and
    // the library/ prefix that normalisation may have added.
    private static bool TryNormalise(
        ReadOnlySpan<char> registry,
        ReadOnlySpan<char> path,
        string? tag,
        Digest? digest,
        [NotNullWhen(true)] out Reference? result,
        [NotNullWhen(false)] out string? problem)
    {
        result = null;
        var implied = registry.IsEmpty;
        var registryText = implied || registry is LegacyDockerHubRegistry ? DockerHubRegistry : registry.ToString();
        var pathText = registryText == DockerHubRegistry && !path.Contains('/')
            ? OfficialImagesPrefix + path.ToString()
            : path.ToString();

        var length = registryText.Length + 1 + pathText.Length;
        if (length > MaxNameLength)
        {
            var counted = implied ? $", counting the implied '{registryText}/{pathText[..^path.Length]}'" : string.Empty;
            problem = $"the name is {length} characters long{counted}; registry and repository together may have at most {MaxNameLength}";
            return false;
        }

        result = new Reference(registryText, pathText, tag ?? (digest is null ? DefaultTag : null), digest);
        problem = null;
        return true;
    }
}
