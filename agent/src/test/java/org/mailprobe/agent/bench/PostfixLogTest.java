package org.mailprobe.agent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The incident replay benchmark's reading of Postfix's log. */
class PostfixLogTest {
    /** A deferred try while Dovecot was down, then the delivery after it came back (Postfix 3.7 maillog_file). */
    static final List<String> LOG = List.of(
            "Nov 28 01:11:40.512345 mx postfix/smtpd[4101]: 4Fk2Zb3xqWz1: client=localhost[127.0.0.1]",
            "Nov 28 01:11:40.530001 mx postfix/cleanup[4102]: 4Fk2Zb3xqWz1: message-id=<probe.1@agent.example>",
            "Nov 28 01:11:40.561002 mx postfix/lmtp[4104]: 4Fk2Zb3xqWz1: to=<probe3@mailprobe.test>, "
                    + "relay=none, delay=0.05, delays=0.03/0.01/0/0, dsn=4.4.1, status=deferred (connect to "
                    + "/var/lib/mailprobe-testbed/run/dovecot/lmtp: Connection refused)",
            "Nov 28 01:12:08.804417 mx postfix/lmtp[4190]: 4Fk2Zb3xqWz1: to=<probe3@mailprobe.test>, "
                    + "relay=mx.mailprobe.test[/var/lib/mailprobe-testbed/run/dovecot/lmtp], delay=28, "
                    + "delays=28/0.01/0.01/0.02, dsn=2.0.0, status=sent (250 2.0.0 <probe3@mailprobe.test> "
                    + "kE2oBdhAhmUbEQAA0J78UA Saved)",
            "Nov 28 01:12:08.805102 mx postfix/qmgr[3990]: 4Fk2Zb3xqWz1: removed",
            "Nov 28 01:12:09.100000 mx postfix/lmtp[4190]: 9Zz1Ab2cdEf3: to=<probe3@mailprobe.test>, "
                    + "relay=mx.mailprobe.test[/x/lmtp], delay=0.12, delays=0.05/0/0.03/0.04, dsn=2.0.0, "
                    + "status=sent (250 2.0.0 Saved)");

    @Test
    @Timeout(5)
    void theQueueIdIsReadFromThe250() {
        assertEquals("4Fk2Zb3xqWz1", PostfixLog.queueId("250 2.0.0 Ok: queued as 4Fk2Zb3xqWz1").orElseThrow());
        assertTrue(PostfixLog.queueId("250 2.0.0 Ok").isEmpty());
    }

    @Test
    @Timeout(5)
    void theSentLineOfAQueueIdGivesPostfixsStampAndDelay() {
        PostfixLog.Sent sent = PostfixLog.sent(LOG, "4Fk2Zb3xqWz1", 2026, ZoneOffset.UTC).orElseThrow();

        assertEquals(Instant.parse("2026-11-28T01:12:08.804417Z"), sent.at());
        assertEquals(Duration.ofSeconds(28), sent.delay());
        assertTrue(sent.line().contains("status=sent"));
    }

    @Test
    @Timeout(5)
    void aFractionalDelayIsReadToTheMillisecond() {
        assertEquals(Duration.ofMillis(120),
                PostfixLog.sent(LOG, "9Zz1Ab2cdEf3", 2026, ZoneOffset.UTC).orElseThrow().delay());
    }

    @Test
    @Timeout(5)
    void aQueueIdOnlyDeferredHasNoSentLine() {
        assertTrue(PostfixLog.sent(LOG.subList(0, 3), "4Fk2Zb3xqWz1", 2026, ZoneOffset.UTC).isEmpty());
    }

    @Test
    @Timeout(5)
    void rfc3339StampsAreReadToo() {
        String line = "2026-11-28T01:12:08.804417+00:00 mx postfix/lmtp[4190]: 4Fk2Zb3xqWz1: to=<p@t>, relay=x, "
                + "delay=28, delays=28/0/0/0, dsn=2.0.0, status=sent (250 ok)";
        assertEquals(Instant.parse("2026-11-28T01:12:08.804417Z"),
                PostfixLog.sent(List.of(line), "4Fk2Zb3xqWz1", 2026, ZoneOffset.UTC).orElseThrow().at());
    }

    @Test
    @Timeout(5)
    void syslogStampsWithoutFractionsAndWithASpacePaddedDayAreRead() {
        assertEquals(Instant.parse("2026-11-03T01:12:08Z"), PostfixLog.stamp("Nov  3 01:12:08 mx postfix/x[1]: y",
                2026, ZoneOffset.UTC).orElseThrow());
    }
}
