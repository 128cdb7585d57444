package org.mailprobe.probes.oauth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.MailSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One account's cached access token: fetched once for every connection that needs it at the same
 * time (single flight), refreshed in the background {@code refreshAhead} before it expires, and,
 * after a failed fetch, not asked for again for {@link #HOLD_OFF} (the failure is given to every
 * caller meanwhile), so a broken endpoint is not hammered by every probe of every route.
 */
final class CachedBearerTokens implements BearerTokens {
    private static final Logger logger = LoggerFactory.getLogger(CachedBearerTokens.class);

    /** A token answer without {@code expires_in} is assumed to live this long (RFC 6749 5.1 makes it optional). */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    /** How long a failed fetch is held and re-thrown before the endpoint is asked again. */
    static final Duration HOLD_OFF = Duration.ofSeconds(10);
    /** A token is not handed out this close to its expiry (at most a quarter of its lifetime). */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

    /** Every account's refresh timer: one thread for all of them. */
    private static final ScheduledExecutorService REFRESH_TIMER =
            Executors.newSingleThreadScheduledExecutor(MailSessions.daemonThreads("mailprobe-token-refresh"));
    /** The fetches themselves (blocking HTTP), so a slow endpoint never delays another account's timer. */
    private static final ExecutorService FETCHES =
            Executors.newCachedThreadPool(MailSessions.daemonThreads("mailprobe-token-fetch"));

    /** One fetch of a token. */
    interface Fetcher {
        /** A new token, or a {@link TokenException} with a safe message; returns by {@code deadline}. */
        Fetched fetch(Instant deadline) throws TokenException;
    }

    /** A fetched token and its lifetime ({@code expires_in}); lifetime null if the answer had none. */
    record Fetched(Secret token, @Nullable Duration lifetime) {
        Fetched {
            Objects.requireNonNull(token, "token");
        }
    }

    private record Cached(Secret token, Instant usableUntil) {}

    private final Fetcher fetcher;
    private final Timeouts timeouts;
    private final Duration refreshAhead;
    /** Only "now", for expiry and fetch deadlines: a token's times enter no delay. */
    private final InstantSource clock;
    private final Object lock = new Object();
    // All guarded by lock.
    private @Nullable Cached cached;
    private @Nullable CompletableFuture<Cached> inflight;
    private @Nullable TokenException held;
    private @Nullable Instant heldUntil;
    private @Nullable ScheduledFuture<?> refresh;
    private boolean closed;

    CachedBearerTokens(Fetcher fetcher, Timeouts timeouts, Duration refreshAhead, InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.refreshAhead = Objects.requireNonNull(refreshAhead, "refreshAhead");
        if (refreshAhead.isNegative()) {
            throw new IllegalArgumentException("refreshAhead must not be negative");
        }
    }

    @Override
    public Secret current(Instant deadline) throws TokenException {
        CompletableFuture<Cached> wait;
        synchronized (lock) {
            if (closed) {
                throw new TokenException("the account's tokens were closed", 0, null, null);
            }
            Instant now = clock.instant();
            if (cached != null && now.isBefore(cached.usableUntil())) {
                return cached.token();
            }
            if (held != null && now.isBefore(heldUntil)) {
                throw copy(held);
            }
            wait = fetchLocked(deadline);
        }
        return await(wait, deadline).token();
    }

    @Override
    public void refused(Secret refused) {
        synchronized (lock) {
            if (cached != null && cached.token() == refused) {
                cached = null;
                cancelRefreshLocked();
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            cancelRefreshLocked();
        }
    }

    /** The fetch under way, or a new one that ends by {@code deadline} at the latest. */
    private CompletableFuture<Cached> fetchLocked(Instant deadline) {
        if (inflight != null) {
            return inflight;
        }
        CompletableFuture<Cached> started = new CompletableFuture<>();
        inflight = started;
        FETCHES.execute(() -> run(started, deadline));
        return started;
    }

    private void run(CompletableFuture<Cached> result, Instant deadline) {
        Cached fetched = null;
        TokenException failure = null;
        try {
            fetched = store(fetcher.fetch(deadline));
        } catch (TokenException e) {
            failure = e;
        } catch (RuntimeException e) {
            logger.error("Fetching an access token failed with an internal error.", e);
            failure = new TokenException("fetching a token failed with an internal error: "
                    + e.getClass().getSimpleName(), 0, null, null);
        }
        if (failure != null) {
            failed(failure);
        }
        // No longer in flight before anyone is woken: a caller that refuses this token at once
        // and asks again must start a new fetch, not be handed this one's result again.
        synchronized (lock) {
            if (inflight == result) {
                inflight = null;
            }
        }
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(fetched);
        }
    }

    private Cached store(Fetched fetched) {
        Duration lifetime = fetched.lifetime() == null || fetched.lifetime().isZero() || fetched.lifetime().isNegative()
                ? DEFAULT_LIFETIME : fetched.lifetime();
        Instant now = clock.instant();
        Duration margin = min(EXPIRY_MARGIN, lifetime.dividedBy(4));
        Cached fresh = new Cached(fetched.token(), now.plus(lifetime).minus(margin));
        // Never sooner than half the lifetime, or a refresh_ahead longer than the lifetime would
        // refresh without pause.
        Duration refreshIn = lifetime.minus(min(refreshAhead, lifetime.dividedBy(2)));
        synchronized (lock) {
            held = null;
            if (closed) {
                return fresh;
            }
            cached = fresh;
            scheduleRefreshLocked(refreshIn);
        }
        logger.debug("Fetched an access token. lifetimeS={} refreshInS={}", lifetime.toSeconds(), refreshIn.toSeconds());
        return fresh;
    }

    private void failed(TokenException e) {
        synchronized (lock) {
            held = e;
            heldUntil = clock.instant().plus(HOLD_OFF);
            // A background refresh that failed is tried again while the cached token still works.
            if (!closed && cached != null && heldUntil.isBefore(cached.usableUntil())) {
                scheduleRefreshLocked(HOLD_OFF);
            }
        }
        logger.warn("Fetching an access token failed. error={} holdOffS={}", e.getMessage(), HOLD_OFF.toSeconds());
    }

    private void scheduleRefreshLocked(Duration in) {
        cancelRefreshLocked();
        refresh = REFRESH_TIMER.schedule(this::refreshNow, in.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelRefreshLocked() {
        if (refresh != null) {
            refresh.cancel(false);
            refresh = null;
        }
    }

    private void refreshNow() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            refresh = null;
            fetchLocked(clock.instant().plus(timeouts.connect()).plus(timeouts.read()));
        }
    }

    private Cached await(CompletableFuture<Cached> fetch, Instant deadline) throws TokenException {
        long left = Duration.between(clock.instant(), deadline).toMillis();
        try {
            return fetch.get(Math.max(0, left), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TokenException("no access token before the deadline", 0, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while waiting for an access token", 0, null, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TokenException) {
                throw copy((TokenException) e.getCause());
            }
            throw new TokenException("fetching a token failed: "
                    + Objects.requireNonNullElse(e.getCause(), e).getClass().getSimpleName(), 0, null, null);
        }
    }

    /** The same failure for this caller (a thrown exception is not shared between threads). */
    private static TokenException copy(TokenException e) {
        return new TokenException(String.valueOf(e.getMessage()), e.httpStatus().orElse(0), e.oauthError().orElse(null), e.getCause());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
