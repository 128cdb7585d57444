package org.mailprobe.agent.config;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.oauth.BearerTokenSources;
import org.mailprobe.probes.oauth.TokenGrant;

/**
 * One account's tokens for one loaded config, shared by every route, watcher and reachability
 * check of the account. The token source is opened at the first {@link #current}, not at load, so
 * that a config that is only checked, or loaded by a reload and never put in force, starts no
 * background refresh; {@link #close} stops it for good (a closed account gets no more tokens).
 */
public final class AccountTokens implements BearerTokens {
    /** Opens the token source; {@link BearerTokenSources#open} outside tests. */
    @FunctionalInterface
    public interface Opener {
        BearerTokens open(TokenGrant grant, TlsPolicy tls, Timeouts timeouts, Duration refreshAhead,
                boolean allowPlainHttp);
    }

    private final String account;
    private final OAuthConfig config;
    private final Opener opener;
    private @Nullable BearerTokens opened;
    private boolean closed;

    /** @param clock "now" for the token cache's expiries and deadlines: the probes' clock */
    public AccountTokens(String account, OAuthConfig config, InstantSource clock) {
        this(account, config, (grant, tls, timeouts, refreshAhead, allowPlainHttp) -> BearerTokenSources.open(grant,
                tls, timeouts, refreshAhead, allowPlainHttp, Objects.requireNonNull(clock, "clock")));
    }

    public AccountTokens(String account, OAuthConfig config, Opener opener) {
        this.account = Objects.requireNonNull(account, "account");
        this.config = Objects.requireNonNull(config, "config");
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** The account's validated {@code oauth2:} settings. */
    public OAuthConfig config() {
        return config;
    }

    @Override
    public Secret current(Instant deadline) throws TokenException {
        return source().current(deadline);
    }

    @Override
    public void refused(Secret refused) {
        BearerTokens source;
        synchronized (this) {
            source = opened;
        }
        if (source != null) {
            source.refused(refused);
        }
    }

    @Override
    public void close() {
        BearerTokens source;
        synchronized (this) {
            closed = true;
            source = opened;
            opened = null;
        }
        if (source != null) {
            source.close();
        }
    }

    /** True once closed: by a reload that replaced the config, or at stop. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** True while a token source is open (after the first {@link #current}, until {@link #close}). */
    public synchronized boolean isOpen() {
        return opened != null;
    }

    private synchronized BearerTokens source() throws TokenException {
        if (closed) {
            throw new TokenException("the tokens of account " + account + " are closed: its config was replaced "
                    + "or the agent is stopping", 0, null, null);
        }
        if (opened == null) {
            try {
                opened = opener.open(config.grant(), config.tls(), config.timeouts(), config.refreshAhead(),
                        config.insecurePlainHttp());
            } catch (RuntimeException e) {
                // Only the class: a message from the token library might quote a secret it was given.
                throw new TokenException("cannot set up the token source of account " + account + ": "
                        + e.getClass().getSimpleName(), 0, null, null);
            }
        }
        return opened;
    }

    @Override
    public String toString() {
        return "AccountTokens[account=" + account + ", grant=" + config.grant().getClass().getSimpleName() + "]";
    }
}
