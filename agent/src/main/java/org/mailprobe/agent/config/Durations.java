package org.mailprobe.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the Prometheus way: a number and a unit, largest unit first, optionally
 * compound ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d}, {@code 1m30s}).
 */
public final class Durations {
    private static final Pattern FORMAT =
            Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s", "ms"};
    private static final String USAGE =
            "use a number and a unit (ms, s, m, h, d), e.g. 500ms, 10s, 5m, 1h, 1d or 1m30s";

    private Durations() {}

    /**
     * Parses {@code text}; {@code 0} alone is also accepted.
     *
     * @throws IllegalArgumentException with a sentence that quotes {@code text} and shows the format
     */
    public static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORMAT.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; " + USAGE);
        }
        long millis = 0;
        try {
            for (int i = 0; i < UNIT_MILLIS.length; i++) {
                String number = m.group(i + 1);
                if (number != null) {
                    millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(number), UNIT_MILLIS[i]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
        }
        return Duration.ofMillis(millis);
    }

    /** The shortest text that {@link #parse} reads back as {@code d} (to the millisecond). */
    public static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 0) {
            return "-" + format(d.negated());
        }
        if (millis == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            long n = millis / UNIT_MILLIS[i];
            if (n > 0) {
                text.append(n).append(UNIT_NAMES[i]);
                millis -= n * UNIT_MILLIS[i];
            }
        }
        return text.toString();
    }
}
