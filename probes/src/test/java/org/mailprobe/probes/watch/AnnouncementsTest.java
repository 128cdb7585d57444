package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;
import org.mailprobe.probes.ProbeClock;

class AnnouncementsTest {
    private final AtomicInteger news = new AtomicInteger();
    private final Announcements announcements = new Announcements(ProbeClock.system(), 2, news::incrementAndGet);

    private void receive(String line) throws Exception {
        announcements.handleResponse(new IMAPResponse(line));
    }

    @Test
    void messageIsDatedWhenItsExistsWasRead() throws Exception {
        Instant before = ProbeClock.system().now();
        receive("* 3 EXISTS");
        Instant after = ProbeClock.system().now();
        Thread.sleep(30); // the fetch and verification come later; the date does not move

        Instant seen = announcements.firstSeen(3).orElseThrow();

        assertFalse(seen.isBefore(before));
        assertFalse(seen.isAfter(after));
        assertEquals(1, news.get());
    }

    @Test
    void messagesSelectedWithTheFolderHaveNoAnnouncement() throws Exception {
        receive("* 2 EXISTS"); // a repeat of the count we started with

        assertEquals(Optional.empty(), announcements.firstSeen(2));
        assertFalse(announcements.pending());
        assertEquals(0, news.get());
    }

    @Test
    void laterMessageKeepsItsOwnLaterDate() throws Exception {
        receive("* 3 EXISTS");
        Thread.sleep(20);
        receive("* 4 EXISTS");

        assertTrue(announcements.firstSeen(4).orElseThrow().isAfter(announcements.firstSeen(3).orElseThrow()));
    }

    @Test
    void expungeRenumbersTheAnnouncedMessages() throws Exception {
        receive("* 3 EXISTS");
        Instant third = announcements.firstSeen(3).orElseThrow();
        Thread.sleep(20);
        receive("* 4 EXISTS");
        receive("* 1 EXPUNGE"); // the third message is now the second, the fourth the third

        assertEquals(third, announcements.firstSeen(2).orElseThrow());
        assertTrue(announcements.firstSeen(3).orElseThrow().isAfter(third));
        assertEquals(Optional.empty(), announcements.firstSeen(4));
    }

    @Test
    void scanSpendsTheAnnouncementsItCovered() throws Exception {
        receive("* 3 EXISTS");
        receive("* 4 EXISTS");
        Instant scanStart = ProbeClock.system().now();
        receive("* 5 EXISTS"); // with the scan's own response, after its data

        announcements.scanned(4, scanStart);

        assertTrue(announcements.pending(), "message 5 still needs a scan");
        announcements.scanned(5, ProbeClock.system().now());
        assertFalse(announcements.pending());
    }
}
