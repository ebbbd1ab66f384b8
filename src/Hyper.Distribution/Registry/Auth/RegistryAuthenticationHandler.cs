using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hyper.Distribution.Registry.Auth;

/// <summary>
/// Answers registry auth challenges below the API calls, so those never see a 401 they could have
/// avoided. On a 401 it follows the challenge: <c>Bearer</c> gets a token from the realm (anonymously,
/// or with the credential when there is one) and <c>Basic</c> sends the credential, then the request
/// is sent once more. Tokens are cached per registry and scope until they expire, and once a registry
/// has challenged, later requests carry the answer from the start. An identity token, or a refresh
/// token the server handed out, is traded with the OAuth2 POST form (falling back to GET where the
/// server has no POST endpoint).
/// </summary>
/// <remarks>
/// Credentials belong to the host:port contacted, not to the image's registry: a request to the registry's own
/// API host is answered with the registry's credentials, one to any other host (an upload session a registry
/// hands to a storage host with <c>Location</c>) only with credentials kept for that host:port. A 401 that
/// comes from where a redirect led is not answered at all: the redirect dropped the Authorization, and resending
/// to the first host would not change that. Requests are resent after a challenge, so a body must be one that can
/// be sent again (<see cref="ByteArrayContent"/>, or <see cref="StreamSliceContent"/>, which reopens its source).
/// </remarks>
internal sealed class RegistryAuthenticationHandler(IRegistryCredentialProvider? credentials) : DelegatingHandler
{
    /// <summary>
    /// The scope a request needs, e.g. <c>repository:library/busybox:pull</c>, or several separated by spaces
    /// (<c>repository:app:pull,push repository:base:pull</c> for a mount); set by the API calls.
    /// </summary>
    public static readonly HttpRequestOptionsKey<string> ScopeOption = new("Hyper.Registry.Scope");

    /// <summary>
    /// The registry a request is for: its credentials are used on its API host (<see cref="RegistryEndpoint.BaseAddress"/>)
    /// and nowhere else.
    /// </summary>
    public static readonly HttpRequestOptionsKey<RegistryEndpoint> EndpointOption = new("Hyper.Registry.Endpoint");

    /// <summary>Token servers may leave out the lifetime; the spec says to assume 60 seconds then.</summary>
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    /// <summary>A token is renewed this long before it expires, so it does not run out in flight.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);

    /// <summary>Who asks the token server, as OAuth2 wants a client to say.</summary>
    private const string ClientId = "hyperbuild";

    /// <summary>The largest token answer read; real ones are a few KiB.</summary>
    private const int MaxTokenResponseSize = 1024 * 1024;

    private readonly ConcurrentDictionary<string, AuthenticationChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Authority, string Scope), CachedToken> _tokens = new();
    private readonly ConcurrentDictionary<TokenServer, string> _refreshTokens = new();
    private readonly SemaphoreSlim _tokenFetch = new(1, 1);

    private sealed record CachedToken(string Value, DateTimeOffset RenewAfter);

    /// <summary>A token server and the service it issues for: refresh tokens are valid there only.</summary>
    private sealed record TokenServer(Uri Realm, string? Service);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The inner handler follows redirects by changing RequestUri, so keep the original for a resend.
        var uri = request.RequestUri ?? throw new InvalidOperationException("a registry request needs an absolute address");
        var authority = uri.GetLeftPart(UriPartial.Authority);
        if (request.Headers.Authorization is null && _challenges.TryGetValue(authority, out var known))
        {
            request.Headers.Authorization = await AnswerAsync(known, request, uri, authority, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var answeredBy = response.RequestMessage?.RequestUri ?? uri;
        if (response.StatusCode != HttpStatusCode.Unauthorized || answeredBy.GetLeftPart(UriPartial.Authority) != authority)
        {
            return response;
        }

        foreach (var challenge in AuthenticationChallenge.From(response.Headers))
        {
            if (!challenge.IsBearer && !challenge.IsBasic)
            {
                continue;
            }

            // A token that was just refused is not asked for again from the cache.
            _tokens.TryRemove((authority, ScopeOf(challenge, request)), out _);
            var authorization = await AnswerAsync(challenge, request, uri, authority, cancellationToken).ConfigureAwait(false);
            if (authorization is null)
            {
                return response;
            }

            // Remembered without its scope: the next request may be for another repository.
            _challenges[authority] = challenge.WithoutScope();
            response.Dispose();
            using var retry = Copy(request, uri);
            retry.Headers.Authorization = authorization;
            return await base.SendAsync(retry, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tokenFetch.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The Authorization header that answers <paramref name="challenge"/>, or null when nothing can (Basic without a credential).</summary>
    private async Task<AuthenticationHeaderValue?> AnswerAsync(
        AuthenticationChallenge challenge, HttpRequestMessage request, Uri uri, string authority, CancellationToken cancellationToken)
    {
        var credential = await CredentialForAsync(request, uri, cancellationToken).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            return credential is null or { IdentityToken: not null } ? null : BasicHeader(credential);
        }

        var token = await GetTokenAsync(challenge, ScopeOf(challenge, request), authority, credential, cancellationToken).ConfigureAwait(false);
        return new AuthenticationHeaderValue(AuthenticationChallenge.BearerScheme, token);
    }

    private async Task<string> GetTokenAsync(
        AuthenticationChallenge challenge, string scope, string authority, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var key = (authority, scope);
        if (_tokens.TryGetValue(key, out var cached) && cached.RenewAfter > DateTimeOffset.UtcNow)
        {
            return cached.Value;
        }

        // One fetch at a time: concurrent blob downloads all meet the same challenge at once, and
        // one token serves them all.
        await _tokenFetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens.TryGetValue(key, out cached) && cached.RenewAfter > DateTimeOffset.UtcNow)
            {
                return cached.Value;
            }

            var (token, lifetime) = await FetchTokenAsync(challenge, scope, credential, cancellationToken).ConfigureAwait(false);
            _tokens[key] = new CachedToken(token, DateTimeOffset.UtcNow + lifetime - ExpiryMargin);
            return token;
        }
        finally
        {
            _tokenFetch.Release();
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchTokenAsync(
        AuthenticationChallenge challenge, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var realm = challenge["realm"];
        if (realm is null || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
        {
            throw new RegistryClientException(
                $"unauthorized: the registry asks for a Bearer token but names no usable token server (realm '{realm}')",
                RegistryErrorCodes.Unauthorized, HttpStatusCode.Unauthorized);
        }

        var service = challenge["service"];
        var server = new TokenServer(realmUri, service);
        // An identity token is the user's own refresh token; one the server handed out earlier saves
        // sending the password again, as docker does.
        var refreshToken = credential?.IdentityToken ?? _refreshTokens.GetValueOrDefault(server);
        if (refreshToken is not null)
        {
            using var form = new FormUrlEncodedContent(RefreshForm(refreshToken, service, scope));
            using var post = new HttpRequestMessage(HttpMethod.Post, realmUri) { Content = form };
            using var response = await SendToTokenServerAsync(post, realmUri, cancellationToken).ConfigureAwait(false);
            // Servers without the OAuth2 endpoint (404, 405) get the GET form instead, as docker falls back.
            if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed))
            {
                if (response.IsSuccessStatusCode || credential?.IdentityToken is not null)
                {
                    return await ReadTokenAsync(response, server, scope, credential, cancellationToken).ConfigureAwait(false);
                }

                // A refresh token handed out earlier may have expired; the password still gets a new one.
                _refreshTokens.TryRemove(server, out _);
            }
        }

        var query = new StringBuilder(realmUri.Query.Length > 1 ? realmUri.Query[1..] : string.Empty);
        if (service is not null)
        {
            Append(query, "service", service);
        }

        // Several scopes travel as one space-separated value in the challenge, as separate parameters to the token server.
        foreach (var one in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Append(query, "scope", one);
        }

        var withPassword = credential is { IdentityToken: null };
        if (withPassword)
        {
            // Asks for a refresh token too (docker's offline access), used for the next scopes.
            Append(query, "account", credential!.Username);
            Append(query, "offline_token", "true");
            Append(query, "client_id", ClientId);
        }

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realmUri) { Query = query.ToString() }.Uri);
        if (withPassword)
        {
            tokenRequest.Headers.Authorization = BasicHeader(credential!);
        }

        using var answer = await SendToTokenServerAsync(tokenRequest, realmUri, cancellationToken).ConfigureAwait(false);
        return await ReadTokenAsync(answer, server, scope, withPassword ? credential : null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The OAuth2 refresh-token grant (docker token spec, "OAuth2 token authentication").</summary>
    private static List<KeyValuePair<string, string>> RefreshForm(string refreshToken, string? service, string scope)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", ClientId),
            new("access_type", "offline"),
        };
        if (service is not null)
        {
            form.Add(new("service", service));
        }

        if (scope.Length > 0)
        {
            form.Add(new("scope", scope));
        }

        return form;
    }

    private async Task<HttpResponseMessage> SendToTokenServerAsync(HttpRequestMessage request, Uri realm, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is Transport.UntrustedCertificateException untrusted ? untrusted.Message : e.Message;
            throw new RegistryClientException($"cannot reach the token server {realm.GetLeftPart(UriPartial.Path)}: {reason}", RegistryErrorCodes.Unreachable, null, e);
        }
    }

    /// <summary>The token a token server answered, keeping the refresh token it may have added; a refusal says who was refused.</summary>
    private async Task<(string Token, TimeSpan Lifetime)> ReadTokenAsync(
        HttpResponseMessage response, TokenServer server, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var where = server.Realm.GetLeftPart(UriPartial.Path);
        if (!response.IsSuccessStatusCode)
        {
            var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            var isPost = response.RequestMessage?.Method == HttpMethod.Post;
            var message = credential switch
            {
                { IdentityToken: not null } when isPost =>
                    $"unauthorized: the token server {where} refused the identity token of '{credential.Username}' ({status}); log in again",
                not null when isPost =>
                    $"unauthorized: the token server {where} refused the refresh token for '{scope}' ({status}); log in again",
                not null when response.StatusCode == HttpStatusCode.Unauthorized =>
                    $"unauthorized: incorrect username or password: the token server {where} refused user '{credential.Username}' ({status})",
                not null => $"unauthorized: the token server {where} refused a token for '{scope}' to user '{credential.Username}' ({status})",
                null => $"unauthorized: the token server {where} refused a token for '{scope}' to anonymous access ({status}); log in to the registry",
            };
            throw new RegistryClientException(message, RegistryErrorCodes.Unauthorized, response.StatusCode);
        }

        var body = await RegistryResponses.ReadLimitedAsync(response.Content, MaxTokenResponseSize, cancellationToken).ConfigureAwait(false);
        TokenResponse? answer = null;
        try
        {
            answer = body is null ? null : JsonSerializer.Deserialize(body, RegistryJsonContext.Default.TokenResponse);
        }
        catch (JsonException)
        {
        }

        var token = answer?.Token ?? answer?.AccessToken;
        if (string.IsNullOrEmpty(token))
        {
            throw new RegistryClientException(
                $"unauthorized: the token server {where} answered without a token", RegistryErrorCodes.Unauthorized, response.StatusCode);
        }

        if (!string.IsNullOrEmpty(answer!.RefreshToken))
        {
            _refreshTokens[server] = answer.RefreshToken;
        }

        var lifetime = answer.ExpiresIn is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : DefaultTokenLifetime;
        return (token, lifetime);
    }

    private static void Append(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    private async ValueTask<RegistryCredential?> CredentialForAsync(HttpRequestMessage request, Uri uri, CancellationToken cancellationToken) =>
        credentials is null ? null : await credentials.GetCredentialAsync(CredentialNameOf(request, uri), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The name credentials for a request to <paramref name="uri"/> are kept under: the registry's (<c>docker.io</c>,
    /// <c>127.0.0.1:5000</c>) on the host and port its API is served on, else the host:port contacted itself.
    /// </summary>
    private static string CredentialNameOf(HttpRequestMessage request, Uri uri) =>
        request.Options.TryGetValue(EndpointOption, out var endpoint)
        && endpoint.BaseAddress.Host.Equals(uri.Host, StringComparison.OrdinalIgnoreCase)
        && endpoint.BaseAddress.Port == uri.Port
            ? endpoint.Registry
            : uri.Authority;

    /// <summary>
    /// The scope named by the challenge, widened by the request's own: a request may need more than the registry
    /// names (a cross-repository mount needs pull on the source repository too), and one token must cover both.
    /// </summary>
    private static string ScopeOf(AuthenticationChallenge challenge, HttpRequestMessage request)
    {
        var own = request.Options.TryGetValue(ScopeOption, out var scope) ? scope : string.Empty;
        return challenge["scope"] is { } named
            ? string.Join(' ', $"{named} {own}".Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal))
            : own;
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new(AuthenticationChallenge.BasicScheme, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    /// <summary>The request again, with the same body: one that serializes afresh each time it is sent.</summary>
    private static HttpRequestMessage Copy(HttpRequestMessage request, Uri uri)
    {
        if (request.Content is not (null or ByteArrayContent or StreamSliceContent))
        {
            throw new InvalidOperationException($"a request with a {request.Content.GetType().Name} body cannot be sent again after an auth challenge");
        }

        var copy = new HttpRequestMessage(request.Method, uri) { Version = request.Version, VersionPolicy = request.VersionPolicy, Content = request.Content };
        foreach (var header in request.Headers)
        {
            if (!header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }
}
