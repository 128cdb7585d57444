package org.mailprobe.probes.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.testing.TokenEndpointStub;

/** The cache in front of a token endpoint that counts its requests exactly. */
@Timeout(60)
class CachedBearerTokensTest {
    private final TokenEndpointStub endpoint;
    private BearerTokens tokens;

    CachedBearerTokensTest() throws Exception {
        endpoint = new TokenEndpointStub();
    }

    @AfterEach
    void stop() {
        if (tokens != null) {
            tokens.close();
        }
        endpoint.close();
    }

    private static Instant soon() {
        return ProbeClock.system().now().plusSeconds(20);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - end < 0, "not within 20 s: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void tenCallersAtOnceCauseOneRequest() throws Exception {
        tokens = endpoint.open(Duration.ofMinutes(5));
        endpoint.holdAnswers();
        ExecutorService callers = Executors.newFixedThreadPool(10);
        try {
            List<Future<Secret>> got = new ArrayList<>();
            List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 10; i++) {
                got.add(callers.submit(() -> {
                    threads.add(Thread.currentThread());
                    return tokens.current(soon());
                }));
            }
            // Every caller is in current(), waiting, while the one request is held at the endpoint.
            await(() -> threads.size() == 10 && threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING
                    || t.getState() == Thread.State.WAITING), "ten callers waiting");
            endpoint.release();
            for (Future<Secret> f : got) {
                assertEquals("token-1", f.get().reveal());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(1, endpoint.requests());
        assertEquals("token-1", tokens.current(soon()).reveal(), "and later callers get the cached one");
        assertEquals(1, endpoint.requests());
    }

    @Test
    void cachedTokenIsRefreshedInTheBackgroundBeforeItExpires() throws Exception {
        endpoint.expiresIn(4);
        tokens = endpoint.open(Duration.ofSeconds(2)); // refreshed 2 s after it was fetched

        assertEquals("token-1", tokens.current(soon()).reveal());
        await(() -> endpoint.requests() == 2, "a second request without a caller asking");

        await(() -> {
            try {
                return tokens.current(soon()).reveal().equals("token-2");
            } catch (TokenException e) {
                throw new AssertionError(e);
            }
        }, "the refreshed token handed out");
        assertTrue(endpoint.requests() >= 2);
    }

    @Test
    void closeStopsTheBackgroundRefresh() throws Exception {
        endpoint.expiresIn(2);
        tokens = endpoint.open(Duration.ofSeconds(1));
        try (TokenEndpointStub control = new TokenEndpointStub()) {
            control.expiresIn(2);
            tokens.current(soon());
            tokens.close();
            BearerTokens open = control.open(Duration.ofSeconds(1));
            try {
                open.current(soon());
                // One timer thread runs every refresh in order of its time: once the control's
                // (scheduled later) has run, the closed one's would have too.
                await(() -> control.requests() == 2, "the control's background refresh");
            } finally {
                open.close();
            }
        }

        assertEquals(1, endpoint.requests(), "no refresh after close");
        assertThrows(TokenException.class, () -> tokens.current(soon()));
    }

    @Test
    void aFailureIsHeldAndRethrownWithoutAskingAgain() throws Exception {
        endpoint.refuseWith401();
        tokens = endpoint.open(Duration.ofMinutes(5));

        TokenException first = assertThrows(TokenException.class, () -> tokens.current(soon()));
        TokenException second = assertThrows(TokenException.class, () -> tokens.current(soon()));

        assertEquals(1, endpoint.requests(), "the endpoint was asked once");
        assertEquals(first.getMessage(), second.getMessage());
        assertEquals(401, second.httpStatus().orElseThrow());
        assertEquals("invalid_client", second.oauthError().orElseThrow());
    }

    /** The cache's "now" is the clock it is given: a token expires when that clock says, not the wall's. */
    @Test
    void aCachedTokenIsFetchedAgainOnceTheClockPassesItsExpiry() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(ProbeClock.system().now());
        endpoint.expiresIn(3600);
        tokens = endpoint.open(Duration.ofMinutes(5), now::get);
        assertEquals("token-1", tokens.current(now.get().plusSeconds(20)).reveal());
        assertEquals("token-1", tokens.current(now.get().plusSeconds(20)).reveal(), "cached while the clock stands");

        now.set(now.get().plus(Duration.ofHours(1)));

        assertEquals("token-2", tokens.current(now.get().plusSeconds(20)).reveal());
        assertEquals(2, endpoint.requests());
    }

    /** A failure is held for HOLD_OFF on the given clock: stepping it past asks again, with no wait. */
    @Test
    void aHeldFailureIsAskedAgainOnceTheClockHasPassedTheHoldOff() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(ProbeClock.system().now());
        endpoint.refuseWith401();
        tokens = endpoint.open(Duration.ofMinutes(5), now::get);
        assertThrows(TokenException.class, () -> tokens.current(now.get().plusSeconds(20)));

        now.set(now.get().plus(CachedBearerTokens.HOLD_OFF).plusMillis(1));

        assertThrows(TokenException.class, () -> tokens.current(now.get().plusSeconds(20)));
        assertEquals(2, endpoint.requests(), "asked again once the hold-off had passed");
    }

    @Test
    void aRefusedTokenIsDroppedSoTheNextCallFetchesAFreshOne() throws Exception {
        tokens = endpoint.open(Duration.ofMinutes(5));
        Secret first = tokens.current(soon());

        tokens.refused(first);
        Secret second = tokens.current(soon());

        assertEquals("token-2", second.reveal());
        assertNotSame(first, second);
        assertEquals(2, endpoint.requests());
    }

    @Test
    void aTokenRefusedTheMomentItArrivesIsNeverHandedOutAgain() throws Exception {
        tokens = endpoint.open(Duration.ofMinutes(5));
        Secret previous = tokens.current(soon());
        for (int i = 2; i <= 100; i++) {
            tokens.refused(previous);
            Secret next = tokens.current(soon());
            assertEquals("token-" + i, next.reveal(), "round " + i);
            previous = next;
        }
        assertEquals(100, endpoint.requests());
    }

    @Test
    void refusingATokenNoLongerCachedDropsNothing() throws Exception {
        tokens = endpoint.open(Duration.ofMinutes(5));
        Secret first = tokens.current(soon());
        tokens.refused(first);
        Secret second = tokens.current(soon());

        tokens.refused(first); // a second connection that had the old one

        assertEquals(second.reveal(), tokens.current(soon()).reveal());
        assertEquals(2, endpoint.requests());
    }
}
