package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.testing.Watching;

/** How an arrival first seen on a reconnect is dated (issue 12): with what is known, never later. */
class ArrivalDatingTest {
    private static final Instant ACCEPTED = Instant.parse("2026-11-28T01:11:40.500Z");
    private static final Arrival.Blind BLIND = new Arrival.Blind(Instant.parse("2026-11-28T01:11:07Z"),
            Instant.parse("2026-11-28T01:12:08.200Z"));
    private static final Instant SEEN = Instant.parse("2026-11-28T01:12:08.300Z");

    private static Arrival seen(Instant serverTime) {
        return new Arrival(Watching.token(Watching.AGENT), AccessPath.IMAP, "u@h:143/INBOX", SEEN, serverTime,
                List.of());
    }

    @Test
    @Timeout(5)
    void aProbeSeenLiveIsDatedWhenSeen() {
        assertEquals(SEEN, seen(Instant.parse("2026-11-28T01:11:50Z")).arrivedAt(ACCEPTED));
    }

    @Test
    @Timeout(5)
    void aProbeSeenOnAReconnectIsDatedByItsInternalDateBetweenThe250AndTheSighting() {
        Instant internalDate = Instant.parse("2026-11-28T01:11:50Z");
        assertEquals(internalDate, seen(internalDate).seenOnReconnect(BLIND).arrivedAt(ACCEPTED));
    }

    @Test
    @Timeout(5)
    void anInternalDateBeforeThe250DatesTheProbeAtTheReconnect() {
        Arrival a = seen(Instant.parse("2026-11-28T01:11:40Z")).seenOnReconnect(BLIND);
        assertEquals(BLIND.reconnectedAt(), a.arrivedAt(ACCEPTED));
    }

    @Test
    @Timeout(5)
    void anInternalDateAfterTheSightingDatesTheProbeAtTheReconnect() {
        Arrival a = seen(Instant.parse("2026-11-28T01:12:30Z")).seenOnReconnect(BLIND);
        assertEquals(BLIND.reconnectedAt(), a.arrivedAt(ACCEPTED));
    }

    @Test
    @Timeout(5)
    void withoutAnInternalDateTheProbeIsDatedAtTheReconnect() {
        assertEquals(BLIND.reconnectedAt(), seen(null).seenOnReconnect(BLIND).arrivedAt(ACCEPTED));
    }

    @Test
    @Timeout(5)
    void aProbeAcceptedAfterTheReconnectIsDatedWhenSeen() {
        Instant lateAccept = Instant.parse("2026-11-28T01:12:08.250Z");
        assertEquals(SEEN, seen(null).seenOnReconnect(BLIND).arrivedAt(lateAccept));
    }

    @Test
    @Timeout(5)
    void theMarkCarriesTheBlindGapIntoTheEvidence() {
        Arrival a = seen(null).seenOnReconnect(BLIND);
        assertEquals("true", a.evidence().get("seen_on_reconnect"));
        assertEquals("61200", a.evidence().get("blind_gap_ms"));
        assertEquals("2026-11-28T01:11:07Z", a.evidence().get("blind_from"));
        assertEquals("2026-11-28T01:12:08.200Z", a.evidence().get("blind_until"));
    }

    @Test
    @Timeout(5)
    void aProbeAcceptedAfterTheReconnectIsNotMarkedAsSeenOnReconnect() {
        Instant lateAccept = Instant.parse("2026-11-28T01:12:08.250Z");
        Arrival a = seen(null).seenOnReconnect(BLIND).forAccepted(lateAccept);
        assertFalse(a.seenOnReconnect());
        assertFalse(a.evidence().containsKey("seen_on_reconnect"));
    }

    @Test
    @Timeout(5)
    void aProbeAcceptedBeforeTheReconnectKeepsItsMark() {
        Arrival a = seen(null).seenOnReconnect(BLIND).forAccepted(ACCEPTED);
        assertTrue(a.seenOnReconnect());
        assertEquals("61200", a.evidence().get("blind_gap_ms"));
    }
}
