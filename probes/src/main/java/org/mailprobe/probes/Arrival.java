package org.mailprobe.probes;

import java.time.Instant;
import java.util.List;
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
 */
public record Arrival(ProbeToken token, AccessPath path, String mailbox, Instant seenAt,
        Instant serverTime, List<String> received) {
    public Arrival {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(seenAt, "seenAt");
        received = List.copyOf(received);
    }
}
