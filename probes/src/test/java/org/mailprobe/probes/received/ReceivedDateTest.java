package org.mailprobe.probes.received;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The date after a Received header's last {@code ;} (RFC 5322 sections 3.3 and 4.3), via {@link MailDate}. */
class ReceivedDateTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "Mon, 1 Jan 2024 10:00:00 +0000                 | 2024-01-01T10:00:00Z",
        "Mon, 01 Jan 2024 10:00:00 +0100                | 2024-01-01T09:00:00Z",
        "Tue,  5 Mar 2024 10:00:03 +0100 (CET)          | 2024-03-05T09:00:03Z",
        "1 Jan 2024 10:00:00 -0000                      | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 2024 10:00 GMT                      | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 24 05:00:00 EST                     | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 99 10:00:00 UT                      | 1999-01-01T10:00:00Z",
        "1 Jan 124 10:00:00 +0000                       | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 2024 02:00:00 PST                   | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 2024 10:00:00 A                     | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 2024 10:00:00.123456 +0000          | 2024-01-01T10:00:00.123456Z",
        "Mon, 1 Jan 2024 10:00:60 +0000                 | 2024-01-01T10:00:59Z",
        "Mon 1 Jan 2024 10:00:00 +0000                  | 2024-01-01T10:00:00Z",
        "  Mon ,1   Jan   2024   10:00:00   +0000       | 2024-01-01T10:00:00Z",
        "Monday, 1 January 2024 10:00:00 +0000          | 2024-01-01T10:00:00Z",
        "mon, 1 jan 2024 10:00:00 utc                   | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 2024 15:30:00 +05:30                | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 2024 11:00:00 +01                   | 2024-01-01T10:00:00Z",
        "Mon, 1 Jan 2024 10:0:00 +0000                  | 2024-01-01T10:00:00Z",
        "Fri, 1 Jan 2024 10:00:00 +0000                 | 2024-01-01T10:00:00Z",
        "Wed Nov 25 15:25:34 UTC 2026                   | 2026-11-25T15:25:34Z",
        "Wed Nov 25 16:25:34 CET 2026                   | 2026-11-25T15:25:34Z",
        "Wed Nov 25 20:55:34 GMT+05:30 2026             | 2026-11-25T15:25:34Z",
        "Fri, 8 Mar 2024 15:45:10 GMT (envelope-from x) | 2024-03-08T15:45:10Z",
        "(early) Mon, 1 Jan 2024 (mid (nested)) 10:00:00 +0000 (late) | 2024-01-01T10:00:00Z",
    })
    void writtenFormsGiveTheInstant(String text, String instant) {
        assertEquals(Instant.parse(instant), MailDate.parse(text));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", " ", "()", "Mon, 1 Jan 2024 10:00:00", "Mon, 1 Jan 2024 10:00:00 IST",
        "Mon, 1 Jan 2024 10:00:00 +2500", "Thu, 31 Feb 2024 10:00:00 +0000", "Sat, 31 Feb 2024 10:00:00 +0000",
        "Mon, 1 Jan 2024 24:00:00 +0000", "Tue, 2 Jan 2024 24:00:00 +0000", "Mon, 1 Jan 10000 10:00:00 +0000",
        "Mon, 1 Jan 1899 10:00:00 +0000", "Mon, 1 Jan 2024 10:00:00.1234567890 +0000", "1704103200",
        "2024-01-01T10:00:00Z", "Mon, 1 Jan 2024 1 2 3 10:00:00 +0000", "Mon, Jan 2024 10:00:00 +0000",
        "Mon, 1 Jan 2024 10:00:00 +0000 +0100", "Mon, 1 Jan 2024 10:00:00 GMT junk"})
    void textThatNamesNoInstantGivesNull(String text) {
        assertNull(MailDate.parse(text));
    }
}
