package org.mailprobe.probes;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * @param blind for a probe first seen when the watcher came back after a lost connection (it may
 *     have arrived while the watcher could not look): the time it was blind; null otherwise
 * @param folder the folder it was seen in, as the server names it: the watched folder, or another
 *     of an IMAP watch of several folders (issue 14)
 * @param junk whether that folder is a Junk folder: marked SPECIAL-USE {@code \Junk} (RFC 6154) or
 *     named so by the watch's config; whether that counts as delivered is the agent's decision
 */
public record Arrival(ProbeToken token, AccessPath path, String mailbox, Instant seenAt,
        @Nullable Instant serverTime, List<String> received, Map<String, String> evidence, @Nullable Blind blind,
        String folder, boolean junk) {
    public Arrival {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(seenAt, "seenAt");
        Objects.requireNonNull(folder, "folder");
        received = List.copyOf(received);
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** A sighting in the watched folder, the one {@code mailbox} names. */
    public Arrival(ProbeToken token, AccessPath path, String mailbox, Instant seenAt,
            @Nullable Instant serverTime, List<String> received, Map<String, String> evidence, @Nullable Blind blind) {
        this(token, path, mailbox, seenAt, serverTime, received, evidence, blind, folderOf(mailbox), false);
    }

    /** A sighting on a watching connection (not one first seen on a reconnect). */
    public Arrival(ProbeToken token, AccessPath path, String mailbox, Instant seenAt, @Nullable Instant serverTime,
            List<String> received, Map<String, String> evidence) {
        this(token, path, mailbox, seenAt, serverTime, received, evidence, null);
    }

    /** A sighting with no further evidence. */
    public Arrival(ProbeToken token, AccessPath path, String mailbox, Instant seenAt, @Nullable Instant serverTime,
            List<String> received) {
        this(token, path, mailbox, seenAt, serverTime, received, Map.of());
    }

    /** This sighting, made in {@code folder} (a Junk folder if {@code junk}). */
    public Arrival inFolder(String folder, boolean junk) {
        return new Arrival(token, path, mailbox, seenAt, serverTime, received, evidence, blind, folder, junk);
    }

    /**
     * The folder of a {@link MailboxName} ({@code user@host:port/folder}): what follows the port. A
     * user name may hold an {@code @} and a folder name a {@code /}, a host neither. INBOX if the
     * name is not of that form (the sink's).
     */
    static String folderOf(String mailbox) {
        java.util.regex.Matcher m = MAILBOX.matcher(mailbox);
        return m.matches() ? m.group(1) : "INBOX";
    }

    private static final java.util.regex.Pattern MAILBOX = java.util.regex.Pattern.compile("(?s).*?@[^@/]*:\\d+/(.*)");

    /** True if the watcher first saw this probe when it came back after a lost connection. */
    public boolean seenOnReconnect() {
        return blind != null;
    }

    /**
     * This sighting, marked as made on a reconnect after {@code gap}, with the gap in its evidence
     * ({@code seen_on_reconnect}, {@code blind_from}, {@code blind_until}, {@code blind_gap_ms}).
     */
    public Arrival seenOnReconnect(Blind gap) {
        Map<String, String> marked = new LinkedHashMap<>(evidence);
        marked.put("seen_on_reconnect", "true");
        marked.put("blind_from", gap.lostAt().toString());
        marked.put("blind_until", gap.reconnectedAt().toString());
        marked.put("blind_gap_ms", String.valueOf(gap.gap().toMillis()));
        return new Arrival(token, path, mailbox, seenAt, serverTime, received, marked, gap, folder, junk);
    }

    /**
     * This sighting as it stands for a probe accepted (250) at {@code accepted}: unmarked if the
     * watcher was back before the 250, since such a probe cannot have arrived while it was blind (a
     * POP3 watcher's first poll after a failure lists it as new all the same).
     */
    public Arrival forAccepted(@Nullable Instant accepted) {
        if (blind == null || accepted == null || accepted.isBefore(blind.reconnectedAt())) {
            return this;
        }
        Map<String, String> unmarked = new LinkedHashMap<>(evidence);
        unmarked.keySet().removeAll(List.of("seen_on_reconnect", "blind_from", "blind_until", "blind_gap_ms"));
        return new Arrival(token, path, mailbox, seenAt, serverTime, received, unmarked, null, folder, junk);
    }

    /**
     * The instant the delay runs to, for a probe whose submission was accepted (250) at
     * {@code accepted}. A probe seen live: when it was seen. A probe first seen on a reconnect may have
     * arrived any time the watcher was blind, so it is dated with what is known (issue 12): the
     * server's INTERNALDATE when that lies after the 250 and before the sighting; else the reconnect,
     * the moment the watcher could look again; else (the 250 came after the reconnect) the sighting.
     */
    public Instant arrivedAt(Instant accepted) {
        if (blind == null || accepted == null) {
            return seenAt;
        }
        if (serverTime != null && serverTime.isAfter(accepted) && serverTime.isBefore(seenAt)) {
            return serverTime;
        }
        Instant back = blind.reconnectedAt();
        return back.isAfter(accepted) && !back.isAfter(seenAt) ? back : seenAt;
    }

    /**
     * The time a watcher could not see its mailbox.
     *
     * @param lostAt when the watcher noticed its connection was lost
     * @param reconnectedAt when it was logged in again
     */
    public record Blind(Instant lostAt, Instant reconnectedAt) {
        public Blind {
            Objects.requireNonNull(lostAt, "lostAt");
            Objects.requireNonNull(reconnectedAt, "reconnectedAt");
        }

        public java.time.Duration gap() {
            return java.time.Duration.between(lostAt, reconnectedAt);
        }
    }
}
