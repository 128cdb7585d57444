package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class LookScheduleTest {
    static final long MS = 1_000_000;

    /** The waits between looks when each look is followed at once by the next IDLE. */
    private static List<Long> waitsMillis(LookSchedule s, long from) {
        List<Long> waits = new ArrayList<>();
        long now = from;
        for (long at; (at = s.nextLookAt(now)) != Long.MAX_VALUE; now = at) {
            waits.add((at - now) / MS);
        }
        return waits;
    }

    @Test
    void anExpectedProbeIsLookedForEvery25msForTheFirstFiveSeconds() {
        LookSchedule s = LookSchedule.expecting(0, Duration.ofHours(1).toNanos());

        List<Long> waits = waitsMillis(s, 0);

        assertTrue(waits.subList(0, 200).stream().allMatch(w -> w == 25), "5 s of 25 ms looks: " + waits.subList(0, 200));
    }

    @Test
    void afterTheFirstSecondsTheWaitDoublesUpToTheCap() {
        LookSchedule s = LookSchedule.expecting(0, Duration.ofHours(1).toNanos());

        List<Long> waits = waitsMillis(s, 0).subList(200, 212);

        assertEquals(List.of(25L, 25L, 50L, 100L, 200L, 400L, 800L, 1600L, 3200L, 4000L, 4000L, 4000L), waits);
    }

    @Test
    void noLookFallsAtOrAfterTheProbesDeadline() {
        long until = Duration.ofSeconds(10).toNanos();
        LookSchedule s = LookSchedule.expecting(0, until);

        assertEquals(Long.MAX_VALUE, s.nextLookAt(until - 10 * MS));
        assertTrue(s.over(until));
    }

    @Test
    void anHourLongExpectationCostsAboutOneThousandLooksNotOneHundredFortyFourThousand() {
        LookSchedule s = LookSchedule.expecting(0, Duration.ofHours(1).toNanos());

        int looks = waitsMillis(s, 0).size();

        assertTrue(looks < 1_200, looks + " looks in an hour");
    }

    @Test
    void afterAnArrivalAFewDoublingLooksRunForOneSecond() {
        LookSchedule s = LookSchedule.settling(0);

        assertEquals(List.of(25L, 25L, 50L, 100L, 200L, 400L), waitsMillis(s, 0));
    }
}
