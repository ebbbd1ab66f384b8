namespace Hyper.Oci.Tests;

public class ReferenceTests
{
    private const string Sha256Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Sha256 = "sha256:" + Sha256Hex;
    private const string Sha512 = "sha512:" + Sha256Hex + Sha256Hex;

    // input, registry, repository, tag, digest, fully-qualified form, familiar form
    public static TheoryData<string, string, string, string?, string?, string, string> ValidReferences => new()
    {
        // Docker Hub normalisation.
        { "busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest" },
        { "busybox:1.36", "docker.io", "library/busybox", "1.36", null, "docker.io/library/busybox:1.36", "busybox:1.36" },
        { "user/app", "docker.io", "user/app", "latest", null, "docker.io/user/app:latest", "user/app:latest" },
        { "docker.io/user/app:1", "docker.io", "user/app", "1", null, "docker.io/user/app:1", "user/app:1" },
        { "docker.io/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest" },
        { "index.docker.io/library/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest" },
        { "index.docker.io/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest" },
        { "index.docker.io/user/app:2", "docker.io", "user/app", "2", null, "docker.io/user/app:2", "user/app:2" },
        { "docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest" },
        { "library/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest" },
        { "docker.io/library/a/b", "docker.io", "library/a/b", "latest", null, "docker.io/library/a/b:latest", "library/a/b:latest" },
        { "0/1", "docker.io", "0/1", "latest", null, "docker.io/0/1:latest", "0/1:latest" },

        // Without a '/', 'host:port' and dotted names are an official image and a tag, as in docker.
        { "localhost:5000", "docker.io", "library/localhost", "5000", null, "docker.io/library/localhost:5000", "localhost:5000" },
        { "192.168.0.1", "docker.io", "library/192.168.0.1", "latest", null, "docker.io/library/192.168.0.1:latest", "192.168.0.1:latest" },

        // Registries: '.', ':', 'localhost', or uppercase in the first component.
        { "localhost/a", "localhost", "a", "latest", null, "localhost/a:latest", "localhost/a:latest" },
        { "localhost:5000/a/b:tag", "localhost:5000", "a/b", "tag", null, "localhost:5000/a/b:tag", "localhost:5000/a/b:tag" },
        { "Localhost/a", "Localhost", "a", "latest", null, "Localhost/a:latest", "Localhost/a:latest" },
        { "UPPER/case", "UPPER", "case", "latest", null, "UPPER/case:latest", "UPPER/case:latest" },
        { "LOCALDOMAIN/library/debian", "LOCALDOMAIN", "library/debian", "latest", null, "LOCALDOMAIN/library/debian:latest", "LOCALDOMAIN/library/debian:latest" },
        { "Example.COM/a", "Example.COM", "a", "latest", null, "Example.COM/a:latest", "Example.COM/a:latest" },
        { "127.0.0.1:5000/a", "127.0.0.1:5000", "a", "latest", null, "127.0.0.1:5000/a:latest", "127.0.0.1:5000/a:latest" },
        { "host:99999999/a", "host:99999999", "a", "latest", null, "host:99999999/a:latest", "host:99999999/a:latest" },
        { "example.com/a/b/c/d:v1.0", "example.com", "a/b/c/d", "v1.0", null, "example.com/a/b/c/d:v1.0", "example.com/a/b/c/d:v1.0" },
        { "sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", "latest", null, "sub-dom1.foo.com/bar/baz/quux:latest", "sub-dom1.foo.com/bar/baz/quux:latest" },
        { "xn--bcher-kva.example/app", "xn--bcher-kva.example", "app", "latest", null, "xn--bcher-kva.example/app:latest", "xn--bcher-kva.example/app:latest" },

        // IPv6 hosts in brackets.
        { "[::1]/a", "[::1]", "a", "latest", null, "[::1]/a:latest", "[::1]/a:latest" },
        { "[::1]:5000/a", "[::1]:5000", "a", "latest", null, "[::1]:5000/a:latest", "[::1]:5000/a:latest" },
        { "[::1]:5000/a:tag", "[::1]:5000", "a", "tag", null, "[::1]:5000/a:tag", "[::1]:5000/a:tag" },
        { "[2001:db8::1]/a", "[2001:db8::1]", "a", "latest", null, "[2001:db8::1]/a:latest", "[2001:db8::1]/a:latest" },
        { "[2001:DB8:0:0:0:0:0:1]:443/a/b:v2", "[2001:DB8:0:0:0:0:0:1]:443", "a/b", "v2", null, "[2001:DB8:0:0:0:0:0:1]:443/a/b:v2", "[2001:DB8:0:0:0:0:0:1]:443/a/b:v2" },

        // Digests, alone or with a tag.
        { "busybox@" + Sha256, "docker.io", "library/busybox", null, Sha256, "docker.io/library/busybox@" + Sha256, "busybox@" + Sha256 },
        { "busybox:1.36@" + Sha256, "docker.io", "library/busybox", "1.36", Sha256, "docker.io/library/busybox:1.36@" + Sha256, "busybox:1.36@" + Sha256 },
        { "example.com/app@" + Sha512, "example.com", "app", null, Sha512, "example.com/app@" + Sha512, "example.com/app@" + Sha512 },
        { "example.com/app:v1@" + Sha512, "example.com", "app", "v1", Sha512, "example.com/app:v1@" + Sha512, "example.com/app:v1@" + Sha512 },

        // Tags.
        { "app:v1.2-rc.3", "docker.io", "library/app", "v1.2-rc.3", null, "docker.io/library/app:v1.2-rc.3", "app:v1.2-rc.3" },
        { "app:_internal", "docker.io", "library/app", "_internal", null, "docker.io/library/app:_internal", "app:_internal" },
        { "app:Release_Candidate", "docker.io", "library/app", "Release_Candidate", null, "docker.io/library/app:Release_Candidate", "app:Release_Candidate" },
        { "app:" + Chars(128), "docker.io", "library/app", Chars(128), null, "docker.io/library/app:" + Chars(128), "app:" + Chars(128) },

        // Name length: 255 characters, counting the registry and any implied 'docker.io/library/'.
        { "example.com/" + Chars(243), "example.com", Chars(243), "latest", null, "example.com/" + Chars(243) + ":latest", "example.com/" + Chars(243) + ":latest" },
        { Chars(237), "docker.io", "library/" + Chars(237), "latest", null, "docker.io/library/" + Chars(237) + ":latest", Chars(237) + ":latest" },

        // Separators inside path components.
        { "a__b", "docker.io", "library/a__b", "latest", null, "docker.io/library/a__b:latest", "a__b:latest" },
        { "a--b", "docker.io", "library/a--b", "latest", null, "docker.io/library/a--b:latest", "a--b:latest" },
        { "a---b", "docker.io", "library/a---b", "latest", null, "docker.io/library/a---b:latest", "a---b:latest" },
        { "a.b", "docker.io", "library/a.b", "latest", null, "docker.io/library/a.b:latest", "a.b:latest" },
        { "a_b/c-d.e", "docker.io", "a_b/c-d.e", "latest", null, "docker.io/a_b/c-d.e:latest", "a_b/c-d.e:latest" },

        // A 64-digit hex name is only refused when it is the whole reference (it could be an image ID).
        { "docker.io/" + Sha256Hex, "docker.io", "library/" + Sha256Hex, "latest", null, "docker.io/library/" + Sha256Hex + ":latest", Sha256Hex + ":latest" },
        { Sha256Hex + ":tag", "docker.io", "library/" + Sha256Hex, "tag", null, "docker.io/library/" + Sha256Hex + ":tag", Sha256Hex + ":tag" },
    };

    // input, a fragment of the error message
    public static TheoryData<string, string> InvalidReferences => new()
    {
        { "", "the reference is empty" },
        { ":tag", "repository name is missing" },
        { "@" + Sha256, "repository name is missing" },
        { "busybox:", "tag after ':' is empty" },
        { "busybox:tag@", "digest after '@' is empty" },

        // Uppercase in the path.
        { "a/B", "repository name 'a/B' must be lowercase" },
        { "UPPER", "repository name 'UPPER' must be lowercase" },
        { "Busybox:latest", "must be lowercase" },
        { "example.com/App", "repository name 'App' must be lowercase" },
        { "A_B/c", "a first component with uppercase letters is taken as a registry host" },

        // Lengths.
        { "app:" + Chars(129), "the tag is 129 characters long; at most 128" },
        { "example.com/" + Chars(244), "the name is 256 characters long; registry and repository together may have at most 255" },
        { Chars(238), "counting the implied 'docker.io/library/'" },

        // Path components and separators.
        { "a//b", "empty path component" },
        { "a/", "empty path component" },
        { "/a", "empty path component" },
        { "a/b/", "empty path component" },
        { "example.com/", "the repository path after 'example.com/' is empty" },
        { "-a", "path component '-a' of repository '-a' must start and end with a lowercase letter or digit" },
        { "a-", "must start and end with a lowercase letter or digit" },
        { "a/_b", "path component '_b'" },
        { "a..b", "separator '..'" },
        { "a___b", "separator '___'" },
        { "a_-b", "separator '_-'" },
        { "a.-b", "separator '.-'" },
        { "a$b", "contains '$'" },

        // Registries.
        { "[fe80::1%eth0]/a", "zone identifier" },
        { "[fe80::1%eth0]:5000/a", "zone identifier" },
        { "fc00::1:5000/debian", "an IPv6 address must be written in brackets" },
        { "[2001:db8:3:4::192.0.2.33]:5000/debian", "embeds an IPv4 address" },
        { "[::1/a", "no closing ']'" },
        { "[::g]/a", "'::g' is not an IPv6 address" },
        { "[::1]5000/a", "expected ':' and a port after ']'" },
        { "localhost:/a", "the port after ':' is empty" },
        { "example.com:http/a", "port 'http' must be a number" },
        { "-example.com/a", "host '-example.com' is not a valid host name" },
        { "example..com/a", "is not a valid host name" },
        { "example.com./a", "is not a valid host name" },
        { "https://example.com/app", "no URL scheme" },

        // Digests.
        { "name@sha256:abc", "expected 64 hex digits, found 3" },
        { "name@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm 'md5'" },
        { "name@SHA256:" + Sha256Hex, "unsupported digest algorithm 'SHA256'" },
        { "name@sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "'A' is not a lowercase hex digit" },

        // Tags.
        { "app:.tag", "tag '.tag' must start with a letter, digit or '_'" },
        { "app:-tag", "tag '-tag' must start with a letter, digit or '_'" },
        { "app:tag:more", "contains ':'" },
        { "app:tag+x", "contains '+'" },

        // As in docker, a ':' before the first '/' makes that part a registry, so this is no tag.
        { "app:tag/x", "registry 'app:tag' is invalid: port 'tag' must be a number" },

        // Whitespace anywhere.
        { " busybox", "must not contain whitespace" },
        { "busybox ", "must not contain whitespace" },
        { "busy box", "must not contain whitespace" },
        { "busybox:\tlatest", "must not contain whitespace" },

        { Sha256Hex, "image ID, not a repository name" },
    };

    public static TheoryData<string> ValidInputs
    {
        get
        {
            var inputs = new TheoryData<string>();
            foreach (var row in ValidReferences)
            {
                inputs.Add((string)row[0]);
            }

            return inputs;
        }
    }

    private static string Chars(int count) => new('a', count);

    [Theory]
    [MemberData(nameof(ValidReferences))]
    public void Valid_references_parse_into_their_normalised_parts(
        string input, string registry, string repository, string? tag, string? digest, string full, string familiar)
    {
        var reference = Reference.Parse(input);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
        Assert.Equal($"{registry}/{repository}", reference.Name);
        Assert.Equal(full, reference.ToString());
        Assert.Equal(familiar, reference.ToFamiliarString());
    }

    [Theory]
    [MemberData(nameof(InvalidReferences))]
    public void Invalid_references_are_rejected_with_a_message_saying_what_is_wrong(string input, string expected)
    {
        Assert.False(Reference.TryParse(input, out var reference, out var error));
        Assert.Null(reference);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        if (input.Length > 0)
        {
            Assert.StartsWith($"invalid reference '{input}': ", error, StringComparison.Ordinal);
        }

        var exception = Assert.Throws<FormatException>(() => Reference.Parse(input));
        Assert.Equal(error, exception.Message);
    }

    [Theory]
    [MemberData(nameof(ValidInputs))]
    public void The_fully_qualified_form_parses_back_to_an_equal_reference(string input)
    {
        var reference = Reference.Parse(input);

        var reparsed = Reference.Parse(reference.ToString());

        Assert.Equal(reference, reparsed);
        Assert.Equal(reference.GetHashCode(), reparsed.GetHashCode());
    }

    [Theory]
    [MemberData(nameof(ValidInputs))]
    public void The_familiar_form_parses_back_to_an_equal_reference(string input)
    {
        var reference = Reference.Parse(input);

        Assert.Equal(reference, Reference.Parse(reference.ToFamiliarString()));
    }

    [Fact]
    public void Familiar_and_fully_qualified_spellings_are_equal()
    {
        Assert.Equal(Reference.Parse("busybox"), Reference.Parse("docker.io/library/busybox:latest"));
        Assert.Equal(Reference.Parse("index.docker.io/user/app"), Reference.Parse("user/app:latest"));
        Assert.NotEqual(Reference.Parse("busybox:1"), Reference.Parse("busybox:2"));
        Assert.NotEqual(Reference.Parse("busybox"), Reference.Parse("example.com/library/busybox"));
    }

    [Fact]
    public void Parse_of_null_throws_ArgumentNullException_and_TryParse_of_null_fails()
    {
        Assert.Throws<ArgumentNullException>(() => Reference.Parse(null!));
        Assert.False(Reference.TryParse(null, out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
        Assert.False(Reference.TryParse(null, out _));
    }

    [Fact]
    public void Reference_parses_through_ISpanParsable()
    {
        static T ParseAs<T>(string s) where T : ISpanParsable<T> => T.Parse(s.AsSpan(), provider: null);

        Assert.Equal("docker.io/user/app:1", ParseAs<Reference>("user/app:1").ToString());
        Assert.True(Reference.TryParse("user/app:1".AsSpan(), provider: null, out var parsed));
        Assert.Equal("user/app", parsed.Repository);
        Assert.False(Reference.TryParse("user/App".AsSpan(), provider: null, out _));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("library/busybox", true)]
    [InlineData("a/b/c/d", true)]
    [InlineData("a.b_c__d-e---f/0", true)]
    [InlineData("", false)]
    [InlineData("A", false)]
    [InlineData("a/B", false)]
    [InlineData("a//b", false)]
    [InlineData("/a", false)]
    [InlineData("a/", false)]
    [InlineData("-a", false)]
    [InlineData("a.", false)]
    [InlineData("a..b", false)]
    [InlineData("a___b", false)]
    [InlineData("a:b", false)]
    [InlineData("example.com/a", true)]
    [InlineData("a b", false)]
    [InlineData(null, false)]
    public void IsValidRepository_follows_the_distribution_spec_name_rule(string? repository, bool expected)
    {
        Assert.Equal(expected, Reference.IsValidRepository(repository));
        Assert.Equal(expected, Reference.IsValidRepository(repository.AsSpan()));
    }

    [Fact]
    public void IsValidRepository_allows_255_characters_and_no_more()
    {
        Assert.True(Reference.IsValidRepository(Chars(255)));
        Assert.False(Reference.IsValidRepository(Chars(256)));
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v1.2-rc.3", true)]
    [InlineData("_x", true)]
    [InlineData("UPPER", true)]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData(".x", false)]
    [InlineData("-x", false)]
    [InlineData("a:b", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    [InlineData(null, false)]
    public void IsValidTag_follows_the_tag_rule(string? tag, bool expected)
    {
        Assert.Equal(expected, Reference.IsValidTag(tag));
    }

    [Fact]
    public void IsValidTag_allows_128_characters_and_no_more()
    {
        Assert.True(Reference.IsValidTag(Chars(128)));
        Assert.False(Reference.IsValidTag(Chars(129)));
    }

    [Fact]
    public void WithTag_replaces_the_tag_and_keeps_the_digest()
    {
        var pinned = Reference.Parse("example.com/app:v1@" + Sha256);

        var retagged = pinned.WithTag("v2");

        Assert.Equal("example.com/app:v2@" + Sha256, retagged.ToString());
        Assert.Equal("example.com/app:v1@" + Sha256, pinned.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(".v1")]
    [InlineData("v 1")]
    public void WithTag_rejects_an_invalid_tag(string tag)
    {
        var reference = Reference.Parse("busybox");

        Assert.Throws<ArgumentException>(() => reference.WithTag(tag));
    }

    [Fact]
    public void WithDigest_replaces_the_digest_and_keeps_the_tag()
    {
        var reference = Reference.Parse("busybox:1.36");

        var pinned = reference.WithDigest(Digest.Parse(Sha512));

        Assert.Equal("docker.io/library/busybox:1.36@" + Sha512, pinned.ToString());
        Assert.Equal("1.36", pinned.Tag);
    }

    [Fact]
    public void WithDigest_rejects_the_empty_digest()
    {
        Assert.Throws<ArgumentException>(() => Reference.Parse("busybox").WithDigest(default));
    }

    [Fact]
    public void Create_builds_a_reference_from_checked_parts()
    {
        var reference = Reference.Create("localhost:5000", "team/app", "v1", Digest.Parse(Sha256));

        Assert.Equal("localhost:5000/team/app:v1@" + Sha256, reference.ToString());
        Assert.Equal(reference, Reference.Parse(reference.ToString()));
    }

    [Fact]
    public void Create_normalises_like_Parse()
    {
        Assert.Equal(Reference.Parse("busybox"), Reference.Create("index.docker.io", "busybox"));
        Assert.Equal("docker.io/library/busybox:latest", Reference.Create("docker.io", "busybox").ToString());
        Assert.Null(Reference.Create("example.com", "app", digest: Digest.Parse(Sha256)).Tag);
    }

    [Theory]
    [InlineData("myhost", "app", null, "registry")]
    [InlineData("exa_mple.com", "app", null, "registry")]
    [InlineData("example.com", "App", null, "repository")]
    [InlineData("example.com", "a//b", null, "repository")]
    [InlineData("example.com", "app", "-v1", "tag")]
    public void Create_rejects_an_invalid_part_naming_it(string registry, string repository, string? tag, string parameter)
    {
        var exception = Assert.Throws<ArgumentException>(() => Reference.Create(registry, repository, tag));

        Assert.Equal(parameter, exception.ParamName);
    }

    [Fact]
    public void Create_rejects_a_name_longer_than_255_characters()
    {
        var exception = Assert.Throws<ArgumentException>(() => Reference.Create("example.com", Chars(244)));

        Assert.Contains("256 characters", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_rejects_the_empty_digest()
    {
        Assert.Throws<ArgumentException>(() => Reference.Create("example.com", "app", digest: default(Digest)));
    }
}
