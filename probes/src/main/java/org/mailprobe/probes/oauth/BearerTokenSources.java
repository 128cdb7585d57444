package org.mailprobe.probes.oauth;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenException;

/** Makes an account's {@link BearerTokens} from its grant. */
public final class BearerTokenSources {
    private BearerTokenSources() {}

    /**
     * Tokens from {@code grant}. Nothing is fetched here: the first {@link BearerTokens#current}
     * fetches (or {@link #check} does, for check-config). The token endpoint must be https.
     *
     * @param tls the trust for the token endpoint's certificate
     * @param timeouts connect and read timeouts for each request to the token endpoint
     * @param refreshAhead how long before expiry a cached token is refreshed in the background
     * @param clock "now" for expiries and deadlines: the clock of the probes whose deadlines it is given
     */
    public static BearerTokens open(TokenGrant grant, TlsPolicy tls, Timeouts timeouts, Duration refreshAhead,
            InstantSource clock) {
        return open(grant, tls, timeouts, refreshAhead, false, clock);
    }

    /**
     * As {@link #open(TokenGrant, TlsPolicy, Timeouts, Duration, InstantSource)}, with {@code allowPlainHttp} true
     * letting an {@code http://} token endpoint be used (a lab's; the caller warns).
     *
     * @throws IllegalArgumentException if the endpoint is http:// and that is not allowed
     */
    public static BearerTokens open(TokenGrant grant, TlsPolicy tls, Timeouts timeouts, Duration refreshAhead,
            boolean allowPlainHttp, InstantSource clock) {
        if (grant instanceof TokenGrant.TokenFile) {
            return new TokenFileTokens(((TokenGrant.TokenFile) grant).file());
        }
        return new CachedBearerTokens(fetcher(grant, tls, timeouts, allowPlainHttp, clock), timeouts, refreshAhead,
                clock);
    }

    /**
     * Fetches one token from {@code grant} now, uncached, to prove the credentials (check-config).
     * The token itself is never returned. A refresh token the endpoint rotates in its answer is not
     * kept either: with a provider that revokes the old one on rotation, the configured refresh
     * token would stop working after the check.
     *
     * @return the token's lifetime as the endpoint gave it ({@code expires_in}); empty for a token
     *     file or an answer without one
     * @throws TokenException as {@link BearerTokens#current} would
     */
    public static Optional<Duration> check(TokenGrant grant, TlsPolicy tls, Timeouts timeouts, boolean allowPlainHttp,
            Instant deadline, InstantSource clock) throws TokenException {
        if (grant instanceof TokenGrant.TokenFile) {
            new TokenFileTokens(((TokenGrant.TokenFile) grant).file()).current(deadline);
            return Optional.empty();
        }
        return Optional.ofNullable(fetcher(grant, tls, timeouts, allowPlainHttp, clock).fetch(deadline).lifetime());
    }

    private static GrantFetcher fetcher(TokenGrant grant, TlsPolicy tls, Timeouts timeouts, boolean allowPlainHttp,
            InstantSource clock) {
        GrantFetcher fetcher = new GrantFetcher(grant, new TokenEndpointHttp(tls, timeouts, clock));
        URI endpoint = fetcher.endpoint();
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && allowPlainHttp)) {
            throw new IllegalArgumentException("the token endpoint " + endpoint + " is not https"
                    + (scheme.equals("http") ? " (plain http is allowed only for a lab, by insecure_plain_http)" : ""));
        }
        return fetcher;
    }
}
