using Hyper.Build.Cache;
using Hyper.Oci;

namespace Hyper.Build.Tests.Cache;

public sealed class CacheKeyBuilderTests
{
    [Fact]
    public void Fields_are_delimited_so_moving_bytes_between_them_changes_the_key()
    {
        Assert.NotEqual(Key(k => k.Add("a", "ab").Add("b", "c")), Key(k => k.Add("a", "a").Add("b", "bc")));
    }

    [Fact]
    public void An_absent_value_differs_from_an_empty_one()
    {
        Assert.NotEqual(Key(k => k.Add("user", (string?)null)), Key(k => k.Add("user", string.Empty)));
    }

    [Fact]
    public void Maps_are_keyed_in_name_order_whatever_order_they_were_built_in()
    {
        var one = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" };
        var other = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" };

        Assert.Equal(Key(k => k.Add("env", one)), Key(k => k.Add("env", other)));
        Assert.NotEqual(Key(k => k.Add("env", one)), Key(k => k.Add("env", new Dictionary<string, string> { ["A"] = "1", ["B"] = "3" })));
    }

    [Fact]
    public void Keys_of_different_kinds_never_meet()
    {
        using var step = new CacheKeyBuilder("step");
        using var base_ = new CacheKeyBuilder("base");

        Assert.NotEqual(step.Build(), base_.Build());
    }

    [Fact]
    public void The_same_fields_give_the_same_key_in_every_process()
    {
        // Pinned: a key computed on another machine (an imported cache) must match this one's.
        var key = Key(k => k.Add("instruction", "RUN").Add("args", ["echo hi"]).Add("exec", false));

        Assert.Equal(Key(k => k.Add("instruction", "RUN").Add("args", ["echo hi"]).Add("exec", false)), key);
        Assert.Equal(Digest.Sha256, key.Algorithm);
    }

    private static Digest Key(Action<CacheKeyBuilder> fill)
    {
        using var builder = new CacheKeyBuilder("step");
        fill(builder);
        return builder.Build();
    }
}
