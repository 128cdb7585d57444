package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReconnectBackoffTest {
    private final Random random = new Random(12);
    private final ReconnectBackoff backoff = new ReconnectBackoff(random::nextDouble);

    @Test
    @Timeout(5)
    void aLostConnectionIsRetriedAtOnce() {
        assertEquals(Duration.ZERO, backoff.next(false));
    }

    @Test
    @Timeout(5)
    void withAProbeExpectedEveryLaterRetryIsOneToTwoSecondsAway() {
        backoff.next(true);
        for (int i = 0; i < 1000; i++) {
            Duration wait = backoff.next(true);
            assertTrue(wait.compareTo(ReconnectBackoff.IN_FLIGHT_MIN) >= 0
                    && wait.compareTo(ReconnectBackoff.IN_FLIGHT_MAX) <= 0, "retry " + i + " waits " + wait);
        }
    }

    @Test
    @Timeout(5)
    void withNothingExpectedTheBackOffGrowsToItsCapAndNoFurther() {
        backoff.next(false);
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 1000; i++) {
            Duration wait = backoff.next(false);
            assertTrue(wait.compareTo(ReconnectBackoff.IDLE_MAX) <= 0, "retry " + i + " waits " + wait);
            longest = wait.compareTo(longest) > 0 ? wait : longest;
        }
        assertTrue(longest.compareTo(ReconnectBackoff.IDLE_MAX.dividedBy(2)) > 0, "it grew: " + longest);
    }

    @Test
    @Timeout(5)
    void aLongIdleBackOffShrinksOnceAProbeIsExpected() {
        for (int i = 0; i < 10; i++) {
            backoff.next(false);
        }
        assertTrue(backoff.next(true).compareTo(ReconnectBackoff.IN_FLIGHT_MAX) <= 0);
    }

    @Test
    @Timeout(5)
    void aGoodConnectionMakesTheNextLossRetriedAtOnceAgain() {
        for (int i = 0; i < 10; i++) {
            backoff.next(false);
        }
        backoff.reset();
        assertEquals(Duration.ZERO, backoff.next(false));
    }
}
