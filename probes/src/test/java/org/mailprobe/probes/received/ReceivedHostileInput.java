package org.mailprobe.probes.received;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hostile Received chains too large or repetitive to keep in the corpus (see its SOURCES.md);
 * shared by {@code ReceivedHostileInputTest} and the benchmark. Each is a chain, newest first.
 */
public final class ReceivedHostileInput {
    private static final String DATE = "; Mon, 1 Jan 2024 10:00:00 +0000";

    private ReceivedHostileInput() {}

    /** By name, in a stable order. */
    public static Map<String, List<String>> all() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put("1 MiB header", List.of("from a.example by b.example id " + "x".repeat(1 << 20) + DATE));
        all.put("10,000 nested parens, closed",
                List.of("from a.example " + "(".repeat(10_000) + ")".repeat(10_000) + " by b.example" + DATE));
        all.put("10,000 nested parens, unclosed", List.of("from a.example " + "(".repeat(10_000) + " by b.example" + DATE));
        all.put("10,000 stray closing parens", List.of("from a.example " + ")".repeat(10_000) + " by b.example" + DATE));
        all.put("4,000 alternating open/close", List.of("from " + "()".repeat(4_000) + DATE));
        all.put("500 hops", Collections.nCopies(500, "from a.example (a.example [192.0.2.1]) by b.example" + DATE));
        all.put("100,000 semicolons", List.of("from a.example by b.example" + ";".repeat(100_000)));
        all.put("8 KiB of from from from", List.of("from ".repeat(2_000) + DATE));
        all.put("thousands of [ without ]", List.of("from a.example (" + "[".repeat(8_000) + ") by b.example" + DATE));
        all.put("brackets around non-addresses", List.of("from a (" + "[x] ".repeat(2_000) + ")" + DATE));
        all.put("only control characters", List.of(controls(8_000)));
        all.put("backslashes in comments", List.of("from a (" + "\\".repeat(8_001) + ") by b" + DATE));
        all.put("one huge word after with", List.of("from a by b with " + "w ".repeat(4_000) + DATE));
        all.put("date of 10,000 words", List.of("from a by b; " + "Mon ".repeat(10_000)));
        all.put("date of nested comments", List.of("from a by b; " + "(".repeat(5_000) + "Mon, 1 Jan 2024 10:00:00 +0000"));
        all.put("100 hops of 1 MiB each", hugeHops());
        all.put("surrogates and non-characters", List.of("from \uD800\uDFFF\uFFFE\uD800 by \uDBFF" + DATE));
        return all;
    }

    private static String controls(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) (i % 32));
        }
        return b.toString();
    }

    private static List<String> hugeHops() {
        String huge = "from a.example by b.example id " + "y".repeat(1 << 20) + DATE;
        List<String> hops = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hops.add(huge);
        }
        return hops;
    }
}
