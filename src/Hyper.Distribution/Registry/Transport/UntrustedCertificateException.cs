using System.Security.Authentication;

namespace Hyper.Distribution.Registry.Transport;

/// <summary>
/// A registry's TLS certificate was refused; thrown from the validation callback so that the reason
/// (and what to do about it) reaches the user instead of the runtime's generic "rejected by the callback".
/// </summary>
internal sealed class UntrustedCertificateException(string message) : AuthenticationException(message);
