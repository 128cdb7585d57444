package org.mailprobe.probes.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
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

/**
 * Send-leg accuracy: probes are submitted to a relay that holds each one a random known time
 * (0-3 s) and then delivers it to the sink over a new connection. Prints, per probe population,
 * measured send delay minus the injected hold (which includes the relay's connect and EHLO to the
 * sink, as a real provider's delivery would), and the sink's MAIL FROM stamp minus the relay's
 * true moment of sending MAIL FROM (our own error: loopback and timestamping), and how long after
 * the relay's 250 the submitting client stamped it (why measured minus hold can be a little
 * negative: the hold starts at the relay's 250). Asserts nothing.
 * Argument: number of probes (default 50).
 */
public final class SendLegBenchmark {
    private SendLegBenchmark() {}

    public static void main(String[] args) throws Exception {
        int probes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Map<String, SinkDelivery> delivered = new ConcurrentHashMap<>();
        Map<String, Duration> holds = new ConcurrentHashMap<>();
        ProbeSink sink = new ProbeSink(SinkSettings.of(new InetSocketAddress("127.0.0.1", 0), Set.of("sink.test"),
                "sink.test"), AccuracyBenchmark.SIGNER, new SinkListener() {
                    @Override
                    public void delivered(SinkDelivery delivery) {
                        delivered.put(delivery.token().key(), delivery);
                    }

                    @Override
                    public void refused(SinkRefusal reason, String peer) {
                        System.out.println("refused: " + reason.label() + " from " + peer);
                    }
                }, ProbeClock.system());
        sink.start();
        try (HoldingRelay relay = new HoldingRelay(sink.port(), h -> holds.getOrDefault(h, Duration.ZERO))) {
            SubmissionProbe submission = new SubmissionProbe(new SubmissionSettings(
                    new ServerEndpoint("localhost", relay.port(), TlsMode.PLAIN), null, TestProvider.trusted(),
                    TestProvider.FAST, "bench.test"), AccuracyBenchmark.SIGNER, ProbeClock.system());
            Map<String, SubmissionResult> accepted = new ConcurrentHashMap<>();
            Map<String, String> headers = new ConcurrentHashMap<>();
            for (int seq = 1; seq <= probes; seq++) {
                ProbeToken token = new ProbeToken(AccuracyBenchmark.AGENT, "send", seq,
                        ProbeClock.system().now().truncatedTo(ChronoUnit.MILLIS));
                String header = AccuracyBenchmark.SIGNER.sign(token);
                headers.put(token.key(), header);
                holds.put(header, Duration.ofMillis(ThreadLocalRandom.current().nextInt(3001)));
                SubmissionResult r = submission.submit("bench@probe.test", "probe@sink.test", token,
                        Instant.now().plusSeconds(10));
                if (!r.succeeded()) {
                    throw new IllegalStateException("submission failed: " + r);
                }
                accepted.put(token.key(), r);
                Thread.sleep(100 + ThreadLocalRandom.current().nextInt(200));
            }
            AccuracyBenchmark.waitUntil(() -> delivered.size() == probes, Duration.ofSeconds(30));
            List<Double> error = new ArrayList<>();
            List<Double> handoff = new ArrayList<>();
            List<Double> readLag = new ArrayList<>();
            for (Map.Entry<String, SinkDelivery> e : delivered.entrySet()) {
                String header = headers.get(e.getKey());
                double measured = e.getValue().sendDelay(accepted.get(e.getKey()).accepted()).toNanos() / 1e6;
                error.add(measured - holds.get(header).toNanos() / 1e6);
                HoldingRelay.Handoff h = relay.handoff(header).orElseThrow();
                handoff.add(Duration.between(h.mailFromSentAt(), e.getValue().mailFromAt()).toNanos() / 1e6);
                readLag.add(Duration.between(h.acceptedAt(), accepted.get(e.getKey()).accepted()).toNanos() / 1e6);
            }
            System.out.printf("send leg n=%d (holds 0-3000 ms)  measured-injected ms: median %6.2f  p99 %6.2f  "
                    + "max %6.2f  min %6.2f  | sink MAIL FROM - relay MAIL FROM sent ms: median %6.3f  p99 %6.3f  "
                    + "max %6.3f  min %6.3f  | client's 250 - relay's 250 ms: median %6.3f  max %6.3f  "
                    + "| not delivered: %d%n", error.size(),
                    AccuracyBenchmark.pct(error, 50), AccuracyBenchmark.pct(error, 99), AccuracyBenchmark.pct(error, 100),
                    AccuracyBenchmark.pct(error, 0), AccuracyBenchmark.pct(handoff, 50),
                    AccuracyBenchmark.pct(handoff, 99), AccuracyBenchmark.pct(handoff, 100),
                    AccuracyBenchmark.pct(handoff, 0), AccuracyBenchmark.pct(readLag, 50),
                    AccuracyBenchmark.pct(readLag, 100), probes - error.size());
        } finally {
            sink.close();
        }
        System.exit(0);
    }
}
