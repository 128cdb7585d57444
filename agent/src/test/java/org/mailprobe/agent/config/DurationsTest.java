package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms, 500", "10s, 10000", "5m, 300000", "1h, 3600000", "1d, 86400000", "1m30s, 90000",
        "1h0m5s, 3605000", "2s500ms, 2500", "0, 0", "0s, 0"})
    void everyUnitAndCompoundParses(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10 s", "1.5s", "-1s", "1s1m", "1S", "10sec", "1w", "s", " 1s",
        "99999999999999999999d"})
    void anythingElseIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "500, 500ms", "90000, 1m30s", "3600000, 1h", "90061001, 1d1h1m1s1ms"})
    void formatReadsBackAsTheSameDuration(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }
}
