package org.mailprobe.probes.received;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A message's Received headers as hops, oldest first: the order the message travelled. Headers
 * are read newest first (each server prepends its own, RFC 5321 section 4.4), so the topmost
 * header is the last hop.
 *
 * @param hops the hops, oldest first
 * @param notes what was cut or skipped while reading, in plain words; empty when nothing was
 */
public record ReceivedChain(List<ReceivedHop> hops, List<String> notes) {
    /**
     * At most this many headers are read. The newest are kept: they were written by the servers
     * nearest the reader, while older ones can be forged by anyone upstream.
     */
    public static final int MAX_HOPS = 100;

    public ReceivedChain {
        hops = List.copyOf(hops);
        notes = List.copyOf(notes);
    }

    /**
     * Reads a message's Received header values as a mail store returns them (newest first,
     * folded or not). Never throws; a null list or null value is read as none. At most
     * {@link #MAX_HOPS} headers and {@link ReceivedHop#MAX_HEADER_CHARS} characters of each are
     * read, and a note says what was left out.
     */
    public static ReceivedChain parse(List<String> headerValuesNewestFirst) {
        if (headerValuesNewestFirst == null) {
            return new ReceivedChain(List.of(), List.of());
        }
        List<ReceivedHop> newestFirst = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int total = headerValuesNewestFirst.size();
        if (total > MAX_HOPS) {
            notes.add("read the newest " + MAX_HOPS + " of " + total + " Received headers; the "
                    + (total - MAX_HOPS) + " oldest were ignored");
        }
        for (int i = 0; i < Math.min(total, MAX_HOPS); i++) {
            String value = headerValuesNewestFirst.get(i);
            int position = i + 1;
            if (value == null) {
                notes.add("Received header " + position + " (counted from the top) is null and was skipped");
                continue;
            }
            if (value.length() > ReceivedHop.MAX_HEADER_CHARS) {
                notes.add("Received header " + position + " (counted from the top) has " + value.length()
                        + " characters; only the first " + ReceivedHop.MAX_HEADER_CHARS + " were read");
            }
            newestFirst.add(readSafely(value, position, notes));
        }
        Collections.reverse(newestFirst);
        return new ReceivedChain(newestFirst, notes);
    }

    /**
     * Per hop, its timestamp minus the previous hop's, aligned with {@link #hops()}: the first is
     * always null, and so is any where either stamp is missing. Negative delays are kept: they
     * show clock skew between two servers, which is evidence, not noise. Server stamps have one
     * second resolution, so each delay is exact only to about a second.
     */
    public List<@Nullable Duration> hopDelays() {
        List<@Nullable Duration> delays = new ArrayList<>(hops.size());
        for (int i = 0; i < hops.size(); i++) {
            ReceivedHop previous = i == 0 ? null : hops.get(i - 1);
            ReceivedHop hop = hops.get(i);
            Instant before = previous == null ? null : previous.timestamp();
            Instant after = hop.timestamp();
            delays.add(before != null && after != null ? Duration.between(before, after) : null);
        }
        return Collections.unmodifiableList(delays);
    }

    /**
     * The parser has no known way to throw; this guard keeps the promise to callers (a probe
     * result must not be lost to one odd header) should a bug give it one.
     */
    private static ReceivedHop readSafely(String value, int position, List<String> notes) {
        try {
            return ReceivedHop.parse(value);
        } catch (RuntimeException bug) {
            notes.add("Received header " + position + " (counted from the top) could not be read: " + bug);
            String raw = value.substring(0, Math.min(value.length(), ReceivedHop.MAX_HEADER_CHARS))
                    .replaceAll("\\p{Cntrl}", "\uFFFD");
            return new ReceivedHop(null, null, null, null, null, null, null, null, raw);
        }
    }
}
