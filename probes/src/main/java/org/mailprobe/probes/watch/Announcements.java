package org.mailprobe.probes.watch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.mailprobe.probes.ProbeClock;

/**
 * When the server first announced each message of the selected folder, by EXISTS (RFC 3501
 * 7.3.1): that is when a new message becomes visible to an IMAP user, so it is the arrival time,
 * read the moment the response is parsed rather than after the round trips that fetch and verify
 * the message. A server must announce a message by EXISTS before it may name it in any other
 * response (RFC 3501 7.4.1), so every new message has an announcement here, except those already
 * there when the folder was selected.
 *
 * <p>Each record says "messages 1..count existed at this instant"; an EXPUNGE renumbers the
 * messages above it, so records are renumbered with them. The first record whose count reaches a
 * message's number is when that message was first announced.
 */
final class Announcements implements ResponseHandler {
    private static final class Sighting {
        int count;
        final Instant at;

        Sighting(int count, Instant at) {
            this.count = count;
            this.at = at;
        }
    }

    private final ProbeClock clock;
    private final Runnable onNews;
    // Oldest first; counts strictly increase along the list.
    private final List<Sighting> sightings = new ArrayList<>();
    private int count;

    /**
     * @param count the folder's message count when this starts listening
     * @param onNews called (on the reading thread, with Angus's locks held: it must not block) when
     *     a message is announced
     */
    Announcements(ProbeClock clock, int count, Runnable onNews) {
        this.clock = clock;
        this.count = count;
        this.onNews = onNews;
    }

    @Override
    public void handleResponse(Response r) {
        if (!(r instanceof IMAPResponse ir) || !ir.isUnTagged()) {
            return;
        }
        boolean news = false;
        synchronized (this) {
            if (ir.keyEquals("EXISTS")) {
                int n = ir.getNumber();
                if (n > count) {
                    sightings.add(new Sighting(n, clock.now()));
                    news = true;
                }
                count = n;
            } else if (ir.keyEquals("EXPUNGE")) {
                int gone = ir.getNumber();
                for (Sighting s : sightings) {
                    if (gone <= s.count) {
                        s.count--;
                    }
                }
                count = Math.max(0, count - 1);
            }
        }
        if (news) {
            onNews.run();
        }
    }

    /** When message number {@code messageNumber} was first announced, if it was. */
    synchronized Optional<Instant> firstSeen(int messageNumber) {
        for (Sighting s : sightings) {
            if (s.count >= messageNumber) {
                return Optional.of(s.at);
            }
        }
        return Optional.empty();
    }

    /**
     * A scan that began at {@code scanStart} looked at every message up to {@code through}: their
     * announcements are spent. Announcements made before the scan began are dropped too: the scan
     * covered them (this also keeps a server that numbers messages inconsistently from dating a
     * later message by an old announcement).
     */
    synchronized void scanned(int through, Instant scanStart) {
        sightings.removeIf(s -> s.count <= through || s.at.isBefore(scanStart));
    }

    /** Whether a message was announced that no scan has looked at yet. */
    synchronized boolean pending() {
        return !sightings.isEmpty();
    }
}
