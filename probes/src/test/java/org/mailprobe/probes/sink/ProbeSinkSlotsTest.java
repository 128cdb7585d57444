package org.mailprobe.probes.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.sink.ProbeSinkTest.RCPT;
import static org.mailprobe.probes.sink.ProbeSinkTest.SIGNER;
import static org.mailprobe.probes.sink.ProbeSinkTest.probeText;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.testing.SmtpClient;

/** The sink's connection slots cannot be held by one client (issue 11: sink connection slots). */
@Timeout(60)
class ProbeSinkSlotsTest extends RecordingSinkFixture {
    @Test
    void noopHoldingClientsFromOneSourceDoNotLockOutADeliveryFromAnother() throws Exception {
        start(ProbeSinkTest.settings());
        InetAddress hostile = InetAddress.getByName("127.0.0.1");
        InetAddress provider = InetAddress.getByName("127.0.0.2");
        List<SmtpClient> holders = new ArrayList<>();
        try {
            for (int i = 0; i < SinkSettings.DEFAULT_MAX_CONNECTIONS; i++) {
                SmtpClient c = new SmtpClient(hostile, sink.port());
                holders.add(c);
                if (c.reply().startsWith("220")) {
                    c.command("NOOP");
                }
            }

            try (SmtpClient genuine = new SmtpClient(provider, sink.port())) {
                String greeting = genuine.reply();
                assertTrue(greeting.startsWith("220"), greeting);
                genuine.envelope("mx.provider.test", "a@probe.test", RCPT);
                String reply = genuine.data(probeText(SIGNER, ProbeSinkTest.token(1)));

                assertTrue(reply.startsWith("250"), reply);
            }
        } finally {
            for (SmtpClient c : holders) {
                c.close();
            }
        }
        assertEquals(1, deliveries.size());
        assertEquals(SinkSettings.DEFAULT_MAX_CONNECTIONS - SinkSettings.DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
                refusals.stream().filter(r -> r == SinkRefusal.TOO_MANY_FROM_SOURCE).count());
    }

    @Test
    void aSourceAtItsLimitIsServedAgainOnceOneOfItsConnectionsEnds() throws Exception {
        start(ProbeSinkTest.settings().withMaxConnectionsPerSource(1));
        try (SmtpClient first = new SmtpClient(sink.port())) {
            assertTrue(first.reply().startsWith("220"));
            try (SmtpClient second = new SmtpClient(sink.port())) {
                String refused = second.reply();
                assertTrue(refused.startsWith("421"), refused);
            }
            first.command("QUIT");
        }
        ProbeSinkTest.await(() -> sink.openConnections() == 0, "the first connection ends");

        try (SmtpClient again = new SmtpClient(sink.port())) {
            assertTrue(again.reply().startsWith("220"), "the freed place is served");
        }
    }

    @Test
    void anIdleClientIsDroppedAtItsIdleDeadline() throws Exception {
        start(ProbeSinkTest.settings().withLimits(SinkSettings.DEFAULT_MAX_MESSAGE_BYTES, 20, Duration.ofSeconds(1),
                Duration.ofMinutes(5)));
        try (SmtpClient idle = new SmtpClient(sink.port())) {
            assertTrue(idle.reply().startsWith("220"));
            idle.command("EHLO idle.test");

            String last = idle.reply(); // blocks (10 s at most) until the sink speaks or closes

            assertTrue(last == null || last.startsWith("421"), String.valueOf(last));
            assertTrue(idle.closedByServer());
        }
        ProbeSinkTest.await(() -> sink.openConnections() == 0, "the slot is free again");
    }

    @Test
    void aNoopingClientIsClosedAtTheConnectionLifetime() throws Exception {
        start(ProbeSinkTest.settings().withLimits(SinkSettings.DEFAULT_MAX_MESSAGE_BYTES, 20, Duration.ofSeconds(60),
                Duration.ofMillis(1500)));
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            boolean closed = false;
            for (int i = 0; i < 200 && !closed; i++) {
                try {
                    String reply = c.command("NOOP");
                    closed = reply == null;
                    Thread.sleep(100);
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertTrue(closed, "closed by the sink although it sent a command every 100 ms");
        }
        ProbeSinkTest.await(() -> refusals.contains(SinkRefusal.TIMEOUT), "the sink counts the timeout");
    }
}
