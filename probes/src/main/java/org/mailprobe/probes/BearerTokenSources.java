package org.mailprobe.probes;

import java.time.Duration;

/** Makes an account's {@link BearerTokens} from its grant. */
public final class BearerTokenSources {
    private BearerTokenSources() {}

    /**
     * Tokens from {@code grant}. Nothing is fetched here: the first {@link BearerTokens#current}
     * fetches (or {@link #check} does, for check-config).
     *
     * @param tls the trust for the token endpoint's certificate
     * @param timeouts connect and read timeouts for each request to the token endpoint
     * @param refreshAhead how long before expiry a cached token is refreshed in the background
     */
    public static BearerTokens open(TokenGrant grant, TlsPolicy tls, Timeouts timeouts, Duration refreshAhead) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
