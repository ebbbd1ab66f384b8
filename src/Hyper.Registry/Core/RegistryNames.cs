using Hyper.Oci;

namespace Hyper.Registry.Core;

/// <summary>The distribution-spec's rules for repository names and tags, as registry errors.</summary>
public static class RegistryNames
{
    public static string EnsureValidRepository(string repository) =>
        Reference.IsValidRepository(repository)
            ? repository
            : throw new RegistryException(
                RegistryErrorCode.NameInvalid,
                $"invalid repository name '{repository}': use lowercase letters, digits and separators (. _ __ -), components joined by /, at most 255 characters",
                ErrorDetail.Of("name", repository));

    public static string EnsureValidTag(string tag) =>
        Reference.IsValidTag(tag)
            ? tag
            : throw new RegistryException(
                RegistryErrorCode.TagInvalid,
                $"invalid tag '{tag}': up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
                ErrorDetail.Of("tag", tag));
}
