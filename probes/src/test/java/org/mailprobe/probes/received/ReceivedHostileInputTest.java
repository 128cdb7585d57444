package org.mailprobe.probes.received;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input never throws and always finishes. The timeout is a hang guard, not a performance
 * claim; the benchmark prints the real figures.
 */
class ReceivedHostileInputTest {
    static final Duration HANG_GUARD = Duration.ofSeconds(10);

    static Stream<Arguments> hostile() {
        return ReceivedHostileInput.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileChainParsesWithinBoundsWithoutThrowing(String name, List<String> values) {
        ReceivedChain chain = assertTimeoutPreemptively(HANG_GUARD, () -> ReceivedChain.parse(values));
        assertTrue(chain.hops().size() <= ReceivedChain.MAX_HOPS, name);
        for (ReceivedHop hop : chain.hops()) {
            assertTrue(hop.raw().length() <= ReceivedHop.MAX_HEADER_CHARS, name);
            assertTrue(hop.raw().chars().noneMatch(c -> c < ' ' || c == 0x7f), name + ": control character in raw");
        }
        assertEquals(chain.hops().size(), chain.hopDelays().size(), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileChainGivesNoEstimateOrAnEstimateButNeverThrows(String name, List<String> values) {
        ReceivedChain chain = ReceivedChain.parse(values);
        SendDelayEstimate.Result result = assertTimeoutPreemptively(HANG_GUARD,
                () -> SendDelayEstimate.from(chain, null, by -> by.endsWith("b.example")));
        assertTrue(result.estimate().isPresent() || result.reason() != null, name);
    }

    @Test
    void fiveHundredHopsKeepTheNewestHundredWithANote() {
        ReceivedChain chain = ReceivedChain.parse(ReceivedHostileInput.all().get("500 hops"));
        assertEquals(100, chain.hops().size());
        assertEquals(List.of("read the newest 100 of 500 Received headers; the 400 oldest were ignored"), chain.notes());
    }

    @Test
    void unclosedNestingWithinTheCapStillFindsTheDateAfterTheLastSemicolon() {
        String value = "from a.example " + "(".repeat(5_000) + " by b.example; Mon, 1 Jan 2024 10:00:00 +0000";
        ReceivedHop hop = ReceivedHop.parse(value);
        assertEquals("a.example", hop.from());
        assertEquals(Instant.parse("2024-01-01T10:00:00Z"), hop.timestamp());
    }

    /**
     * Random mutations of the corpus (fixed seed, so a failure repeats): characters from the
     * grammar's delimiters and keywords inserted, deleted and replaced.
     */
    @Test
    void randomMutationsOfTheCorpusNeverThrow() {
        String alphabet = "()[];:\\<>\" \t\r\n\u0000\u00e9+-.,@=0123456789abfromybywithidforviaMonJanGMT";
        List<String> seeds = ReceivedCorpus.names().stream()
                .flatMap(n -> ReceivedCorpus.receivedValues(ReceivedCorpus.text(n + ".txt")).stream()).toList();
        Random random = new Random(4);
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (int i = 0; i < 20_000; i++) {
                StringBuilder b = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
                for (int m = random.nextInt(20); m > 0 && b.length() > 0; m--) {
                    int at = random.nextInt(b.length());
                    char c = alphabet.charAt(random.nextInt(alphabet.length()));
                    switch (random.nextInt(3)) {
                        case 0 -> b.insert(at, c);
                        case 1 -> b.deleteCharAt(at);
                        default -> b.setCharAt(at, c);
                    }
                }
                ReceivedChain chain = ReceivedChain.parse(List.of(b.toString(), b.reverse().toString()));
                SendDelayEstimate.from(chain, Instant.EPOCH, by -> by.contains("a"));
                chain.hopDelays();
            }
        });
    }
}
