namespace Hyper.Registry.Configuration;

/// <summary>
/// A configuration hyperregistry cannot serve: a bad or unsupported setting, or one the machine refuses at
/// start (a port in use, a root directory that cannot be written). The message is one line that names the
/// setting and its value; <c>hyperregistry serve</c> prints it and exits with status 2.
/// </summary>
public sealed class InvalidConfigurationException(string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The one line for <paramref name="key"/> set to <paramref name="value"/>, and why it cannot be used.</summary>
    public static InvalidConfigurationException For(string key, string value, string reason, Exception? innerException = null) =>
        new($"{key}: '{value}' {reason}", innerException);
}
