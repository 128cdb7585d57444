package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RouteCadenceTest {
    private static final Instant BASE = Instant.parse("2026-11-28T08:00:00Z");
    private static final Duration MINUTE = Duration.ofSeconds(60);

    @Test
    void aThousandRoutesStartSixtyMillisecondsApart() {
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 1000; i++) {
            Instant origin = RouteCadence.spread(BASE, MINUTE, Duration.ZERO, i, 1000, random).origin();
            long offset = Duration.between(BASE, origin).toMillis();
            assertTrue(offset >= 60L * i && offset < 60L * (i + 1), "route " + i + " starts at +" + offset + " ms");
        }
    }

    @Test
    void aSingleRouteStartsWithinASecond() {
        Instant origin = RouteCadence.spread(BASE, MINUTE, Duration.ZERO, 0, 1, new SplittableRandom(1)).origin();
        assertTrue(Duration.between(BASE, origin).compareTo(Duration.ofSeconds(1)) < 0, origin.toString());
    }

    @Test
    void theJitterIsPartOfTheDueTimeWithinTheRoutesJitter() {
        SplittableRandom random = new SplittableRandom(7);
        RouteCadence cadence = RouteCadence.spread(BASE, MINUTE, Duration.ofSeconds(6), 0, 1, random);
        for (int k = 0; k < 200; k++) {
            long after = Duration.between(cadence.origin().plus(MINUTE.multipliedBy(k)), cadence.due(k, random))
                    .toMillis();
            assertTrue(after >= 0 && after <= 6000, "probe " + k + " due " + after + " ms after its grid point");
        }
    }

    @Test
    void aProbeThatRanPastTheNextStartSkipsIt() {
        RouteCadence cadence = RouteCadence.spread(BASE, MINUTE, Duration.ZERO, 0, 1, new SplittableRandom(3));
        Instant origin = cadence.origin();
        assertEquals(1, cadence.nextPointAfter(origin.plusSeconds(5)));
        assertEquals(3, cadence.nextPointAfter(origin.plusSeconds(150)));
        assertEquals(2, cadence.pointOf(origin.plusSeconds(125)));
    }
}
