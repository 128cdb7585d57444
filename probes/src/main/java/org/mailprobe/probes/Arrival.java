package org.mailprobe.probes;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A verified probe message seen in a mailbox.
 *
 * @param token the verified token
 * @param path how it was seen
 * @param mailbox the watched mailbox, as {@code user@host:port/folder} (no secret)
 * @param seenAt when the agent saw it, on {@link ProbeClock}: the arrival time
 * @param serverTime the server's own stamp (IMAP INTERNALDATE), evidence only; null if none
 * @param received the message's Received headers, newest first, evidence only
 * @param evidence further facts of this sighting for the diagnostic output and the journal, in
 *     order (e.g. the sink's connect time, a webmail request's duration); never a secret, a
 *     cookie or page content
 */
public record Arrival(ProbeToken token, AccessPath path, String mailbox, Instant seenAt,
        Instant serverTime, List<String> received, Map<String, String> evidence) {
    public Arrival {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(seenAt, "seenAt");
        received = List.copyOf(received);
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** A sighting with no further evidence. */
    public Arrival(ProbeToken token, AccessPath path, String mailbox, Instant seenAt, Instant serverTime,
            List<String> received) {
        this(token, path, mailbox, seenAt, serverTime, received, Map.of());
    }
}
