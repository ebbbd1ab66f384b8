using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Tests.Dockerfile.Instructions;

public sealed class RunMountReaderTests
{
    [Fact]
    public void A_bind_mount_is_the_default_and_read_only()
    {
        var mount = RunMountReader.Read("target=/src,source=app,from=build");

        Assert.Equal(MountType.Bind, mount.Type);
        Assert.True(mount.ReadOnly);
        Assert.Equal("/src", mount.Target);
        Assert.Equal("app", mount.Source);
        Assert.Equal("build", mount.From);
    }

    [Fact]
    public void Cache_mounts_are_writable_and_take_id_sharing_mode_uid_gid()
    {
        var mount = RunMountReader.Read("type=cache,dst=/root/.cache,id=go,sharing=locked,mode=0700,uid=1000,gid=1001");

        Assert.Equal(MountType.Cache, mount.Type);
        Assert.False(mount.ReadOnly);
        Assert.Equal("go", mount.Id);
        Assert.Equal(MountSharing.Locked, mount.Sharing);
        Assert.Equal(448u, mount.Mode);
        Assert.Equal(1000u, mount.Uid);
        Assert.Equal(1001u, mount.Gid);
    }

    [Fact]
    public void Tmpfs_takes_a_size_with_binary_units()
    {
        var mount = RunMountReader.Read("type=tmpfs,destination=/tmp,size=64m");

        Assert.Equal(64L * 1024 * 1024, mount.SizeLimit);
        Assert.False(mount.ReadOnly);
    }

    [Fact]
    public void Secret_and_ssh_mounts_take_required_env_and_ids()
    {
        var secret = RunMountReader.Read("type=secret,id=aws,env=AWS_CONFIG,required");
        var byTarget = RunMountReader.Read("type=secret,target=/run/secrets/npmrc,required=false");
        var ssh = RunMountReader.Read("type=ssh");

        Assert.True(secret.Required);
        Assert.Equal("AWS_CONFIG", secret.Env);
        Assert.Equal("aws", secret.SecretId);
        Assert.Equal("npmrc", byTarget.SecretId);
        Assert.False(byTarget.Required);
        Assert.Equal("default", ssh.SshId);
    }

    [Fact]
    public void Read_write_switches_override_the_default()
    {
        Assert.False(RunMountReader.Read("target=/src,rw").ReadOnly);
        Assert.False(RunMountReader.Read("target=/src,readwrite=true").ReadOnly);
        Assert.True(RunMountReader.Read("type=cache,target=/c,ro").ReadOnly);
    }

    [Fact]
    public void Values_are_expanded_before_they_are_checked()
    {
        var variables = new Dictionary<string, string> { ["$UID"] = "1000", ["$CACHE"] = "/cache" };

        var mount = RunMountReader.Read("type=cache,target=$CACHE,uid=$UID", v => variables.GetValueOrDefault(v, v));

        Assert.Equal("/cache", mount.Target);
        Assert.Equal(1000u, mount.Uid);
    }

    [Theory]
    [InlineData("type=volume,target=/x", "unsupported mount type \"volume\"")]
    [InlineData("type=cache,target=/x,sharing=exclusive", "unsupported sharing value \"exclusive\"")]
    [InlineData("target=/x,size=1g", "unexpected key 'size' for mount type 'bind'")]
    [InlineData("target=/x,mode=0700", "mode not allowed for \"bind\" type mounts")]
    [InlineData("type=tmpfs,target=/x,uid=1", "uid not allowed for \"tmpfs\" type mounts")]
    [InlineData("type=cache,target=/x,mode=999", "invalid value 999 for mode")]
    [InlineData("type=cache,target=/x,uid=-1", "invalid value -1 for uid")]
    [InlineData("type=secret,from=build,id=x", "secret mount should not have a from")]
    [InlineData("type=secret", "invalid secret mount. one of source, target required")]
    [InlineData("type=secret,source=a,id=b", "both source and id can't be set")]
    [InlineData("type=bind,target=/x,sharing=shared", "invalid cache sharing set for bind mount")]
    [InlineData("target=/x,required", "unexpected key 'required' for mount type 'bind'")]
    [InlineData("target=/x,readonly=maybe", "invalid value for readonly: maybe")]
    [InlineData("target=/x,tagret=/y", "unexpected key 'tagret' in 'tagret=/y' (did you mean target?)")]
    [InlineData("target=/x,nocopy", "invalid field 'nocopy' must be a key=value pair")]
    [InlineData("type=ssh,source=/agent", "ssh does not support source")]
    public void Invalid_mounts_are_rejected_with_buildkit_messages(string specification, string message)
    {
        var error = Assert.Throws<FormatException>(() => RunMountReader.Read(specification));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
