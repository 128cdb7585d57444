package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.sink.ProbeSink;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.sink.SinkListener;
import org.mailprobe.probes.sink.SinkRefusal;
import org.mailprobe.probes.sink.SinkSettings;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.HoldingRelay;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The send leg end to end: a probe submitted to a relay that holds it a known time, then delivered
 * to the sink. The sink's send delay must be the relay's true handoff (within 50 ms: loopback and
 * our timestamping, not scheduling) and at least the hold.
 */
@Timeout(60)
class SendLegTest {
    static final TokenSigner SIGNER = new TokenSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String RCPT = "probe@sink.test";
    static final Duration WITHIN = Duration.ofMillis(50);

    final Map<String, SinkDelivery> deliveries = new ConcurrentHashMap<>();
    final Map<String, Duration> holds = new ConcurrentHashMap<>();
    ProbeSink sink;
    HoldingRelay relay;

    @BeforeEach
    void start() throws IOException {
        sink = new ProbeSink(SinkSettings.of(new InetSocketAddress("127.0.0.1", 0), Set.of("sink.test"), "sink.test"),
                SIGNER, new SinkListener() {
                    @Override
                    public void delivered(SinkDelivery delivery) {
                        deliveries.put(delivery.token().key(), delivery);
                    }

                    @Override
                    public void refused(SinkRefusal reason, String peer) {
                        // none expected; a refusal shows as a missing delivery
                    }
                }, ProbeClock.system());
        sink.start();
        relay = new HoldingRelay(sink.port(), header -> holds.getOrDefault(header, Duration.ZERO));
    }

    @AfterEach
    void stop() {
        relay.close();
        sink.close();
    }

    SubmissionResult submit(ProbeToken token, Duration hold) {
        holds.put(SIGNER.sign(token), hold);
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(
                new ServerEndpoint("localhost", relay.port(), TlsMode.PLAIN), null, TestProvider.trusted(),
                TestProvider.FAST, "agent.test"), SIGNER, ProbeClock.system());
        SubmissionResult result = probe.submit("agent@probe.test", RCPT, token, Instant.now().plusSeconds(10));
        assertTrue(result.succeeded(), result.toString());
        return result;
    }

    static ProbeToken token(long seq) {
        return new ProbeToken("test-agent", "send-1", seq, ProbeClock.system().now().truncatedTo(ChronoUnit.MILLIS));
    }

    static void await(BooleanSupplier condition, String what) throws Exception {
        Watching.await(what, Duration.ofSeconds(20), condition::getAsBoolean);
    }

    @Test
    void aProbeHeldByTheRelayIsMeasuredAtTheRelaysHandoff() throws Exception {
        ProbeToken token = token(1);
        Duration hold = Duration.ofMillis(700);

        SubmissionResult result = submit(token, hold);
        await(() -> relay.handoff(SIGNER.sign(token)).isPresent(), "the relay hands the probe to the sink");

        HoldingRelay.Handoff handoff = relay.handoff(SIGNER.sign(token)).orElseThrow();
        assertTrue(handoff.sinkReply().startsWith("250"), handoff.sinkReply());
        SinkDelivery delivery = deliveries.get(token.key());
        Duration measured = delivery.sendDelay(result.accepted());
        Duration truth = Duration.between(result.accepted(), handoff.mailFromSentAt());
        assertTrue(measured.minus(truth).abs().compareTo(WITHIN) <= 0, "measured " + measured + " true " + truth);
        // The hold runs from the relay's 250; our accepted time is when the client read it, a
        // little later (a few ms in a cold JVM), so the hold is inside the figure from the 250 on.
        Duration fromRelays250 = Duration.between(handoff.acceptedAt(), delivery.mailFromAt());
        assertTrue(fromRelays250.compareTo(hold) >= 0, "from the relay's 250 " + fromRelays250 + " held " + hold);
        assertTrue(!result.accepted().isBefore(handoff.acceptedAt()), "the client reads the 250 after it is sent");
        assertTrue(delivery.connectedAt().isBefore(delivery.mailFromAt()));
    }

    @Test
    void probesDeliveredOutOfOrderAreEachMatchedByTheirToken() throws Exception {
        ProbeToken slow = token(1);
        ProbeToken fast = token(2);
        SubmissionResult slowResult = submit(slow, Duration.ofMillis(1200));
        SubmissionResult fastResult = submit(fast, Duration.ofMillis(300));

        await(() -> deliveries.size() == 2, "both probes reach the sink");

        assertTrue(deliveries.get(fast.key()).mailFromAt().isBefore(deliveries.get(slow.key()).mailFromAt()),
                "the second probe arrived first");
        for (ProbeToken t : new ProbeToken[] {slow, fast}) {
            await(() -> relay.handoff(SIGNER.sign(t)).isPresent(), "the relay records its handoff");
            Instant sentAt = relay.handoff(SIGNER.sign(t)).orElseThrow().mailFromSentAt();
            Duration off = Duration.between(sentAt, deliveries.get(t.key()).mailFromAt());
            assertTrue(off.abs().compareTo(WITHIN) <= 0, t.key() + " is matched to its own handoff: " + off);
        }
        assertTrue(deliveries.get(slow.key()).sendDelay(slowResult.accepted())
                .compareTo(deliveries.get(fast.key()).sendDelay(fastResult.accepted())) > 0);
    }

    @Test
    void theRelaysReceivedHeaderIsKeptAsEvidence() throws Exception {
        ProbeToken token = token(1);
        submit(token, Duration.ZERO);

        await(() -> deliveries.containsKey(token.key()), "the probe reaches the sink");

        assertEquals(1, deliveries.get(token.key()).received().size());
        assertTrue(deliveries.get(token.key()).received().get(0).startsWith("from agent.test ([127.0.0.1]) by relay.test"),
                deliveries.get(token.key()).received().get(0));
    }
}
