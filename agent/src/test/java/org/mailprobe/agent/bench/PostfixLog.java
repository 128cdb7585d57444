package org.mailprobe.agent.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postfix's own word on a message, from its log (the testbed's {@code maillog_file}): the
 * {@code status=sent} line of a queue id, when it was written and Postfix's {@code delay=} (seconds
 * from the message entering the queue to its delivery). The queue id comes from the 250 after DATA
 * ("250 2.0.0 Ok: queued as 4Fk2Zb3xqWz1"). Reads syslog-style stamps ({@code Nov 28 01:12:07},
 * with or without fractions, local time, no year) and RFC 3339 ones.
 */
final class PostfixLog {
    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)");
    private static final Pattern SYSLOG_STAMP = Pattern.compile(
            "^([A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?) ");
    private static final Pattern ISO_STAMP = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\S+) ");
    private static final Pattern DELAY = Pattern.compile(", delay=([0-9.]+),");
    private static final DateTimeFormatter SYSLOG = new DateTimeFormatterBuilder()
            .appendPattern("MMM ppd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    /** Postfix's delivery of one message: its log line's stamp and its {@code delay=}. */
    record Sent(Instant at, Duration delay, String line) {}

    private PostfixLog() {}

    /** The queue id in a 250 reply to DATA, if it names one. */
    static Optional<String> queueId(String reply) {
        Matcher m = QUEUED_AS.matcher(reply == null ? "" : reply);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The last {@code status=sent} line of {@code queueId} among {@code lines}; syslog stamps are read
     * in {@code zone} and {@code year}.
     */
    static Optional<Sent> sent(List<String> lines, String queueId, int year, ZoneId zone) {
        Sent found = null;
        String marker = ": " + queueId + ": ";
        for (String line : lines) {
            if (!line.contains(marker) || !line.contains(" status=sent ")) {
                continue;
            }
            Matcher delay = DELAY.matcher(line);
            Optional<Instant> at = stamp(line, year, zone);
            if (delay.find() && at.isPresent()) {
                long ms = Math.round(Double.parseDouble(delay.group(1)) * 1000);
                found = new Sent(at.get(), Duration.ofMillis(ms), line);
            }
        }
        return Optional.ofNullable(found);
    }

    static Optional<Instant> stamp(String line, int year, ZoneId zone) {
        Matcher iso = ISO_STAMP.matcher(line);
        if (iso.find()) {
            return Optional.of(OffsetDateTime.parse(iso.group(1)).toInstant());
        }
        Matcher sys = SYSLOG_STAMP.matcher(line);
        if (sys.find()) {
            LocalDateTime t = LocalDateTime.parse(year + " " + sys.group(1),
                    new DateTimeFormatterBuilder().appendPattern("uuuu ").append(SYSLOG).toFormatter(Locale.ROOT));
            return Optional.of(t.atZone(zone).toInstant());
        }
        return Optional.empty();
    }
}
