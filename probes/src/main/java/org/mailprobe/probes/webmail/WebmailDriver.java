package org.mailprobe.probes.webmail;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.Reason;

/**
 * How one kind of webmail is driven over plain HTTP: log in, list the messages that may be
 * probes, fetch the text that carries one's token, log out. Every call has a deadline. A driver
 * only reads: it never deletes, moves or flags a message. A call throws {@link WebmailException}
 * for what it understood (refused login, lost session, unreadable answer, bad status) and an
 * IOException or {@link DeadlineExceededException} for the network; its messages never hold page
 * content, cookies, form tokens or passwords. Used by one thread at a time.
 */
public interface WebmailDriver {
    /** Logs in afresh, dropping any earlier session; returns how long it took. */
    Duration login(Instant deadline) throws IOException, DeadlineExceededException;

    /**
     * The messages the webmail shows whose subject marks them as probes, newest first. Throws a
     * {@link WebmailException} with {@link Reason#SESSION} when the session has ended.
     */
    Listing find(Instant deadline) throws IOException, DeadlineExceededException;

    /** The token header value(s) and Received headers of the message {@code id}, as the webmail shows them. */
    Source source(String id, Instant deadline) throws IOException, DeadlineExceededException;

    /** Ends the session at the server if there is one. Never throws. */
    void logout(Instant deadline);

    /** Ends a request in progress from another thread, so that a close does not wait for it. */
    void abort();

    /**
     * One list or search answer.
     *
     * @param messages what it showed, newest first
     * @param answeredAt when the answer arrived (ProbeClock): what it shows was visible then
     * @param took how long the request took
     */
    record Listing(List<Listed> messages, Instant answeredAt, Duration took) {
        public Listing {
            messages = List.copyOf(messages);
            Objects.requireNonNull(answeredAt, "answeredAt");
            Objects.requireNonNull(took, "took");
        }
    }

    /**
     * One message in a listing.
     *
     * @param id the webmail's id for it (Roundcube: the IMAP UID)
     * @param tokens token header values the listing itself showed; empty if the source must be fetched
     */
    record Listed(String id, List<String> tokens) {
        public Listed {
            Objects.requireNonNull(id, "id");
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * What a message's source (or its page) shows.
     *
     * @param tokens every token header value found (one, for a probe of ours)
     * @param received its Received headers, newest first; empty if the webmail does not show them
     * @param took how long the request took
     */
    record Source(List<String> tokens, List<String> received, Duration took) {
        public Source {
            tokens = List.copyOf(tokens);
            received = List.copyOf(received);
            Objects.requireNonNull(took, "took");
        }
    }
}
