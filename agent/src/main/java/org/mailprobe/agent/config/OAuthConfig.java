package org.mailprobe.agent.config;

import java.time.Duration;
import java.util.Objects;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.oauth.TokenGrant;

/**
 * An account's {@code oauth2:} sign-in, validated: where its tokens come from and how they are
 * carried. Secrets sit in the grant as {@link org.mailprobe.probes.Secret}s, never shown by toString.
 *
 * @param grant the token source (client credentials, refresh token or token file)
 * @param mechanism the SASL mechanism
 * @param refreshAhead how long before expiry a cached token is refreshed
 * @param tls the trust for the token endpoint's certificate ({@code ca_file}, else the config's default)
 * @param timeouts connect and read timeouts for each token request (the config's defaults)
 * @param insecurePlainHttp true if an {@code http://} token endpoint is allowed ({@code insecure_plain_http}, a lab)
 */
public record OAuthConfig(TokenGrant grant, OAuthMechanism mechanism, Duration refreshAhead, TlsPolicy tls,
        Timeouts timeouts, boolean insecurePlainHttp) {
    public OAuthConfig {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(refreshAhead, "refreshAhead");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
    }
}
