package org.mailprobe.probes.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.submit.MxDeliveryProbe;
import org.mailprobe.probes.submit.MxDeliveryResult;
import org.mailprobe.probes.submit.MxDeliverySettings;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;
import org.mailprobe.probes.watch.WatchSettings;

/**
 * Receive-leg accuracy: the agent delivers each probe straight to an "MX" ({@link HoldingSmtpFront})
 * that answers 250 and puts the message into a GreenMail mailbox (TCP_NODELAY) after a known
 * delay; IMAP (IDLE) and POP3 watchers see it. Prints, per path, the receive delay (sighting minus
 * the MX's 250) minus the injected delay. Asserts nothing. Arguments: probes per injected delay
 * (default 6), POP3 poll ms (default 1000).
 */
public final class ReceiveLegBenchmark {
    private ReceiveLegBenchmark() {}

    public static void main(String[] args) throws Exception {
        int perDelay = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        Duration pop3Poll = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 1000);
        Map<String, Duration> injected = new ConcurrentHashMap<>();
        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        Map<String, String> headerOfKey = new ConcurrentHashMap<>();
        Map<AccessPath, Map<String, Instant>> seen = new EnumMap<>(AccessPath.class);
        seen.put(AccessPath.IMAP, new ConcurrentHashMap<>());
        seen.put(AccessPath.POP3, new ConcurrentHashMap<>());
        List<ArrivalWatcher> watchers = new ArrayList<>();
        BenchGreenMail greenMail = new BenchGreenMail(true);
        greenMail.start();
        try (HoldingSmtpFront mx = new HoldingSmtpFront(
                greenMail.setUser(TestProvider.USER, TestProvider.USER, TestProvider.PASSWORD),
                header -> injected.getOrDefault(header, Duration.ZERO))) {
            ArrivalListener listener = a -> {
                seen.get(a.path()).putIfAbsent(a.token().key(), a.seenAt());
                return false;
            };
            Account account = new Account(TestProvider.USER, Secret.of(TestProvider.PASSWORD));
            watchers.add(new ImapArrivalWatcher(new WatchSettings(new ServerEndpoint("localhost", greenMail.imapPort(),
                    TlsMode.PLAIN), account, TestProvider.trusted(), TestProvider.FAST, "INBOX", Duration.ofSeconds(1),
                    Duration.ofMinutes(5), false, "bench.test", AccuracyBenchmark.AGENT, true),
                    AccuracyBenchmark.SIGNER, listener, ProbeClock.system()));
            watchers.add(new Pop3ArrivalWatcher(new WatchSettings(new ServerEndpoint("localhost", greenMail.pop3Port(),
                    TlsMode.PLAIN), account, TestProvider.trusted(), TestProvider.FAST, "INBOX", pop3Poll,
                    Duration.ofMinutes(5), false, "bench.test", AccuracyBenchmark.AGENT), AccuracyBenchmark.SIGNER,
                    listener, ProbeClock.system()));
            watchers.forEach(ArrivalWatcher::start);
            AccuracyBenchmark.waitUntil(() -> watchers.stream().allMatch(ArrivalWatcher::healthy), Duration.ofSeconds(30));

            MxDeliveryProbe delivery = new MxDeliveryProbe(MxDeliverySettings.toHost("localhost", mx.port(),
                    "bench.test").withTls(TestProvider.trusted(), false).withTimeouts(TestProvider.FAST),
                    AccuracyBenchmark.SIGNER, (domain, deadline) -> List.of(), ProbeClock.system());
            List<Duration> plan = new ArrayList<>();
            for (Duration d : AccuracyBenchmark.INJECTED) {
                for (int i = 0; i < perDelay; i++) {
                    plan.add(d);
                }
            }
            Collections.shuffle(plan);
            long seq = 0;
            for (Duration d : plan) {
                ProbeToken token = new ProbeToken(AccuracyBenchmark.AGENT, "receive", ++seq, ProbeClock.system().now());
                String header = AccuracyBenchmark.SIGNER.sign(token);
                injected.put(header, d);
                headerOfKey.put(token.key(), header);
                MxDeliveryResult r = delivery.deliver("sender@elsewhere.test", TestProvider.USER, token,
                        Instant.now().plusSeconds(10));
                if (!r.succeeded()) {
                    throw new IllegalStateException("delivery failed: " + r);
                }
                accepted.put(token.key(), r.accepted());
                Thread.sleep(200 + ThreadLocalRandom.current().nextInt(300));
            }
            AccuracyBenchmark.waitUntil(() -> seen.values().stream().allMatch(m -> m.size() == plan.size()),
                    Duration.ofSeconds(30));
            for (AccessPath path : seen.keySet()) {
                List<Double> error = new ArrayList<>();
                for (Map.Entry<String, Instant> e : seen.get(path).entrySet()) {
                    double measured = Duration.between(accepted.get(e.getKey()), e.getValue()).toNanos() / 1e6;
                    error.add(measured - injected.get(headerOfKey.get(e.getKey())).toNanos() / 1e6);
                }
                System.out.printf("receive leg %-5s n=%3d  measured-injected ms: median %7.1f  p99 %7.1f  max %7.1f"
                        + "  min %6.1f  | not seen: %d%n", path.label(), error.size(), AccuracyBenchmark.pct(error, 50),
                        AccuracyBenchmark.pct(error, 99), AccuracyBenchmark.pct(error, 100),
                        AccuracyBenchmark.pct(error, 0), plan.size() - error.size());
            }
        } finally {
            watchers.forEach(ArrivalWatcher::close);
            greenMail.stop();
        }
        System.exit(0);
    }
}
