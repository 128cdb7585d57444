package org.mailprobe.probes.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.ReplyTooLongException;

/**
 * One access token from a token endpoint by the client-credentials or refresh-token grant, with
 * the Nimbus OAuth 2.0 SDK building the request and reading the answer. A refusal becomes a
 * {@link TokenException} carrying the HTTP status and the OAuth error code only.
 */
final class GrantFetcher implements CachedBearerTokens.Fetcher {
    private static final int MAX_ERROR_CODE = 64;

    private final TokenGrant grant;
    private final TokenEndpointHttp http;
    /** The refresh token in use: a new one in an answer replaces it (rotation). */
    private volatile @Nullable Secret refreshToken;

    GrantFetcher(TokenGrant grant, TokenEndpointHttp http) {
        if (grant instanceof TokenGrant.TokenFile) {
            throw new IllegalArgumentException("a token file has no token endpoint");
        }
        this.grant = grant;
        this.http = http;
        this.refreshToken = grant instanceof TokenGrant.RefreshToken ? ((TokenGrant.RefreshToken) grant).refreshToken()
                : null;
    }

    @Override
    public CachedBearerTokens.Fetched fetch(Instant deadline) throws TokenException {
        TokenRequest request = request();
        HTTPResponse answer;
        try {
            answer = http.send(request.toHTTPRequest(), deadline);
        } catch (HttpTimeoutException | InterruptedIOException e) {
            throw new TokenException("the token endpoint did not answer in time", 0, null, e);
        } catch (ReplyTooLongException e) {
            throw new TokenException("the token endpoint's answer is too long", 0, null, e);
        } catch (IOException e) {
            throw new TokenException("the token endpoint could not be reached: " + e.getClass().getSimpleName(), 0,
                    null, e);
        }
        TokenResponse response;
        try {
            response = TokenResponse.parse(answer);
        } catch (ParseException e) {
            // Not the cause: its message may quote the body.
            throw new TokenException("the token endpoint answered HTTP " + answer.getStatusCode()
                    + " with something that is not a token response", answer.getStatusCode(), null, null);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            String code = safeCode(error == null ? null : error.getCode());
            throw new TokenException("the token endpoint answered HTTP " + answer.getStatusCode()
                    + (code == null ? "" : " " + code), answer.getStatusCode(), code, null);
        }
        AccessTokenResponse ok = response.toSuccessResponse();
        RefreshToken rotated = ok.getTokens().getRefreshToken();
        if (rotated != null && refreshToken != null) {
            refreshToken = Secret.of(rotated.getValue());
        }
        long lifetime = ok.getTokens().getAccessToken().getLifetime();
        return new CachedBearerTokens.Fetched(Secret.of(ok.getTokens().getAccessToken().getValue()),
                lifetime > 0 ? Duration.ofSeconds(lifetime) : null);
    }

    private TokenRequest request() throws TokenException {
        if (grant instanceof TokenGrant.ClientCredentials) {
            TokenGrant.ClientCredentials cc = (TokenGrant.ClientCredentials) grant;
            return new TokenRequest(cc.tokenEndpoint(), authentication(cc), new ClientCredentialsGrant(),
                    scope(cc.scopes()));
        }
        TokenGrant.RefreshToken rt = (TokenGrant.RefreshToken) grant;
        AuthorizationGrant refresh = new RefreshTokenGrant(new RefreshToken(Objects.requireNonNull(refreshToken).reveal()));
        if (rt.clientSecret() == null) {
            return new TokenRequest(rt.tokenEndpoint(), new ClientID(rt.clientId()), refresh, scope(rt.scopes()));
        }
        return new TokenRequest(rt.tokenEndpoint(), secretPost(rt.clientId(), rt.clientSecret()), refresh,
                scope(rt.scopes()));
    }

    private static ClientAuthentication authentication(TokenGrant.ClientCredentials cc) throws TokenException {
        if (cc.authentication() instanceof TokenGrant.ClientAuthentication.ClientSecret) {
            return secretPost(cc.clientId(), ((TokenGrant.ClientAuthentication.ClientSecret) cc.authentication()).secret());
        }
        return ClientAssertion.sign((TokenGrant.ClientAuthentication.Certificate) cc.authentication(), cc.clientId(),
                cc.tokenEndpoint());
    }

    /** In the body, as both Microsoft's and Google's documentation show it. */
    private static ClientAuthentication secretPost(String clientId, Secret secret) {
        return new ClientSecretPost(new ClientID(clientId), new com.nimbusds.oauth2.sdk.auth.Secret(secret.reveal()));
    }

    private static @Nullable Scope scope(List<String> scopes) {
        return scopes.isEmpty() ? null : new Scope(scopes.toArray(new String[0]));
    }

    /**
     * RFC 6749 5.2 allows printable ASCII but every real code is a word; anything else is not
     * repeated (a hostile endpoint must not get text of its choosing into our journal).
     */
    static @Nullable String safeCode(@Nullable String code) {
        if (code == null || code.isEmpty() || code.length() > MAX_ERROR_CODE || !code.matches("[A-Za-z0-9_.\\-]+")) {
            return null;
        }
        return code;
    }

    URI endpoint() {
        return grant instanceof TokenGrant.ClientCredentials ? ((TokenGrant.ClientCredentials) grant).tokenEndpoint()
                : ((TokenGrant.RefreshToken) grant).tokenEndpoint();
    }
}
