package org.mailprobe.probes.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.sink.ProbeSinkTest.RCPT;
import static org.mailprobe.probes.sink.ProbeSinkTest.SIGNER;
import static org.mailprobe.probes.sink.ProbeSinkTest.probeText;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.testing.SmtpClient;

/** The sink accepts each token once, and only within its window (issue 11: sink replay, tokens). */
@Timeout(60)
class ProbeSinkReplayTest extends RecordingSinkFixture {
    static ProbeToken stampedAt(long seq, Instant sent) {
        return new ProbeToken("test-agent", "send-1", seq, sent.truncatedTo(ChronoUnit.MILLIS));
    }

    /** One delivery of {@code text} on a connection of its own: the reply after the final dot. */
    String deliver(String text) throws Exception {
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.envelope("relay.test", "a@probe.test", RCPT);
            return c.data(text);
        }
    }

    @Test
    void aSecondDeliveryOfTheSameTokenIsRefusedAsReplay() throws Exception {
        start(ProbeSinkTest.settings());
        String probe = probeText(SIGNER, ProbeSinkTest.token(1));
        assertTrue(deliver(probe).startsWith("250"));

        String again = deliver(probe);

        assertTrue(again.startsWith("550"), again);
        assertEquals(1, deliveries.size());
        assertEquals(List.of(SinkRefusal.REPLAY), refusals);
    }

    @Test
    void aTokenDated1970IsRefusedAsStale() throws Exception {
        start(ProbeSinkTest.settings());

        String reply = deliver(probeText(SIGNER, stampedAt(1, Instant.EPOCH)));

        assertTrue(reply.startsWith("550"), reply);
        assertEquals(List.of(), deliveries);
        assertEquals(List.of(SinkRefusal.STALE), refusals);
    }

    @Test
    void aTokenDatedBeyondTheSkewInTheFutureIsRefusedAsStale() throws Exception {
        start(ProbeSinkTest.settings());

        String reply = deliver(probeText(SIGNER, stampedAt(1, Instant.now().plus(Duration.ofMinutes(10)))));

        assertTrue(reply.startsWith("550"), reply);
        assertEquals(List.of(SinkRefusal.STALE), refusals);
    }

    @Test
    void aTokenOlderThanItsRoutesTimeoutIsRefusedThoughTheFallbackWouldAcceptIt() throws Exception {
        start(ProbeSinkTest.settings().withReplay(ReplayWindow.defaults().withRoutes(Map.of("send-1",
                Duration.ofMinutes(2)))));

        String reply = deliver(probeText(SIGNER, stampedAt(1, Instant.now().minus(Duration.ofMinutes(3)))));

        assertTrue(reply.startsWith("550"), reply);
        assertEquals(List.of(SinkRefusal.STALE), refusals);
    }

    @Test
    void aTokenWithinTheWindowIsAccepted() throws Exception {
        start(ProbeSinkTest.settings());

        String reply = deliver(probeText(SIGNER, stampedAt(1, Instant.now().minus(Duration.ofMinutes(50)))));

        assertTrue(reply.startsWith("250"), reply);
        assertEquals(1, deliveries.size());
    }

    @Test
    void theRememberedTokensNeverExceedTheCapacityOldestForgottenFirst() throws Exception {
        start(ProbeSinkTest.settings().withReplay(ReplayWindow.defaults().with(Duration.ofHours(1), 3)));
        for (long seq = 1; seq <= 5; seq++) {
            assertTrue(deliver(probeText(SIGNER, ProbeSinkTest.token(seq))).startsWith("250"));
        }

        assertEquals(3, sink.rememberedTokens());
        assertTrue(deliver(probeText(SIGNER, ProbeSinkTest.token(5))).startsWith("550"), "the newest is remembered");
    }

    @Test
    void aReplayFloodWithHugeHeadersKeepsTheSinkBoundedAndAGenuineProbeStillArrives() throws Exception {
        start(ProbeSinkTest.settings());
        String probe = probeText(SIGNER, ProbeSinkTest.token(1));
        StringBuilder padding = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            padding.append("X-Padding-").append(i).append(": ").append("p".repeat(990)).append("\r\n");
        }
        String replay = padding + probe;
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.command("EHLO relay.test");
            for (int i = 0; i < 500; i++) {
                c.command("MAIL FROM:<a@probe.test>");
                c.command("RCPT TO:<" + RCPT + ">");
                String reply = c.data(i == 0 ? probe : replay);
                assertTrue(reply.startsWith(i == 0 ? "250" : "550"), i + ": " + reply);
            }
        }

        assertEquals(1, sink.rememberedTokens());
        assertEquals(499, refusals.stream().filter(r -> r == SinkRefusal.REPLAY).count());
        assertTrue(deliver(probeText(SIGNER, ProbeSinkTest.token(2))).startsWith("250"));
        assertEquals(2, deliveries.size());
    }
}
