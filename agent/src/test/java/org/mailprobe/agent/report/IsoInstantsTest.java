package org.mailprobe.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The timestamps the journal writes give Instant.parse's millis; anything else is Instant.parse's to judge. */
@Timeout(30)
class IsoInstantsTest {
    @Test
    void everyFormOfAnInstantGivesInstantParsesMillis() {
        for (String s : List.of("2025-06-01T09:00:00Z", "2025-06-01T09:00:00.250Z", "2025-06-01T09:00:00.2Z",
                "2025-06-01T09:00:00.123456Z", "2025-06-01T09:00:00.123456789Z", "2024-02-29T23:59:59.999Z",
                "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2025-06-01T24:00:00Z",
                "2016-12-31T23:59:60Z", "2025-06-01T09:00:00.Z", "2025-06-01T09:00:00+02:00", "+12025-06-01T09:00:00Z")) {
            assertEquals(Instant.parse(s).toEpochMilli(), IsoInstants.millis(s), s);
        }
    }

    @Test
    void whatInstantParseRefusesIsRefused() {
        for (String s : List.of("", "2025-02-29T00:00:00Z", "2025-06-31T00:00:00Z", "2025-06-01T09:60:00Z",
                "2025-06-01T09:00:00.1234567891Z", "2025-06-01 09:00:00Z", "null")) {
            assertThrows(DateTimeParseException.class, () -> IsoInstants.millis(s), s);
        }
    }
}
