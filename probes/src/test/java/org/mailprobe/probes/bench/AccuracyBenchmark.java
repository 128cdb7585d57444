package org.mailprobe.probes.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;
import org.mailprobe.probes.watch.WatchSettings;

/**
 * Measurement accuracy: probes go through an SMTP front that holds each one a known time before
 * it lands in the mailbox; the figure is measured delay minus injected delay, per path, and the
 * detection latency (seen minus put into the mailbox). Prints, asserts nothing. Arguments: probes
 * per injected delay (default 10), POP3 poll interval in ms (default 1000). No probe is announced
 * to the IMAP watcher as expected, so it relies on IDLE alone.
 *
 * <p>It runs twice: on stock GreenMail, and on GreenMail with TCP_NODELAY on its IMAP and POP3
 * sockets ({@link BenchGreenMail}). Stock GreenMail makes every multi-line response wait about
 * 40 ms (Nagle against the client's delayed ACK); the second run shows what is left without that.
 *
 * <p>What the figures mean: IMAP dates a probe when the server announces it (EXISTS, during IDLE
 * at once), so its error is the server's push latency, not our round trips; POP3 dates a probe
 * when a poll's UIDL listing first shows it, so its error is up to one poll interval plus the
 * poll's login and UIDL. The watchers do not delete here: GreenMail's POP3 numbers messages
 * live rather than from a snapshot taken at login (RFC 1939 4), so an IMAP expunge between a POP3
 * UIDL and its TOP or DELE makes it read or delete the wrong message, and its IMAP reports EXISTS
 * with the count after an expunge it then also reports; two watchers deleting from one GreenMail
 * mailbox lose probes that way (real servers do not).
 */
public final class AccuracyBenchmark {
    static final Duration[] INJECTED = {Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5)};
    static final String AGENT = "bench";
    static final TokenSigner SIGNER =
            new TokenSigner("benchmark-key-benchmark-key-0123".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    private AccuracyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int perDelay = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Duration pop3Poll = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 1000);
        System.out.printf("mailprobe accuracy benchmark: %d probes per run, injected delays %s, POP3 poll %d ms, "
                + "IMAP IDLE only, GreenMail %s%n", perDelay * INJECTED.length, List.of(INJECTED),
                pop3Poll.toMillis(), "2.1.13");
        run(false, perDelay, pop3Poll);
        run(true, perDelay, pop3Poll);
        System.exit(0);
    }

    private static void run(boolean noDelay, int perDelay, Duration pop3Poll) throws Exception {
        String label = noDelay ? "nodelay" : "stock";
        Map<String, Duration> injected = new ConcurrentHashMap<>();
        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        Map<AccessPath, Map<String, Instant>> seen = new EnumMap<>(AccessPath.class);
        Map<String, String> headerOfKey = new ConcurrentHashMap<>();
        for (AccessPath p : new AccessPath[] {AccessPath.IMAP, AccessPath.POP3}) {
            seen.put(p, new ConcurrentHashMap<>());
        }
        Map<String, ArrivalWatcher> watchers = new LinkedHashMap<>();
        BenchGreenMail greenMail = new BenchGreenMail(noDelay);
        greenMail.start();
        try (HoldingSmtpFront front = new HoldingSmtpFront(
                greenMail.setUser(TestProvider.USER, TestProvider.USER, TestProvider.PASSWORD),
                header -> injected.getOrDefault(header, Duration.ZERO))) {
            ArrivalListener listener = a -> {
                seen.get(a.path()).putIfAbsent(a.token().key(), a.seenAt());
                return false;
            };
            Account account = new Account(TestProvider.USER, Secret.of(TestProvider.PASSWORD));
            WatchSettings imap = new WatchSettings(new ServerEndpoint("localhost", greenMail.imapPort(), TlsMode.PLAIN),
                    account, TestProvider.trusted(), TestProvider.FAST, "INBOX", Duration.ofSeconds(1),
                    Duration.ofMinutes(5), false, "bench.test", AGENT, true);
            WatchSettings pop3 = new WatchSettings(new ServerEndpoint("localhost", greenMail.pop3Port(), TlsMode.PLAIN),
                    account, TestProvider.trusted(), TestProvider.FAST, "INBOX", pop3Poll, Duration.ofMinutes(5), false,
                    "bench.test", AGENT);
            watchers.put("imap", new ImapArrivalWatcher(imap, SIGNER, listener, ProbeClock.system()));
            watchers.put("pop3", new Pop3ArrivalWatcher(pop3, SIGNER, listener, ProbeClock.system()));
            watchers.values().forEach(ArrivalWatcher::start);
            waitUntil(() -> watchers.values().stream().allMatch(ArrivalWatcher::healthy), Duration.ofSeconds(30));

            SubmissionProbe submission = new SubmissionProbe(new SubmissionSettings(
                    new ServerEndpoint("localhost", front.port(), TlsMode.PLAIN), null, TestProvider.trusted(),
                    TestProvider.FAST, "bench.test"), SIGNER, ProbeClock.system());
            List<Duration> plan = new ArrayList<>();
            for (Duration d : INJECTED) {
                for (int i = 0; i < perDelay; i++) {
                    plan.add(d);
                }
            }
            Collections.shuffle(plan);
            long seq = 0;
            for (Duration d : plan) {
                ProbeToken token = new ProbeToken(AGENT, "bench", ++seq, ProbeClock.system().now());
                String header = SIGNER.sign(token);
                injected.put(header, d);
                headerOfKey.put(token.key(), header);
                SubmissionResult r = submission.submit(TestProvider.USER, TestProvider.USER, token, Instant.now().plusSeconds(10));
                if (!r.succeeded()) {
                    throw new IllegalStateException("submission failed: " + r);
                }
                accepted.put(token.key(), r.accepted());
                Thread.sleep(200 + ThreadLocalRandom.current().nextInt(300));
            }
            waitUntil(() -> seen.values().stream().allMatch(m -> m.size() == plan.size()), Duration.ofSeconds(30));
            for (AccessPath path : seen.keySet()) {
                List<Double> error = new ArrayList<>();
                List<Double> detection = new ArrayList<>();
                for (Map.Entry<String, Instant> e : seen.get(path).entrySet()) {
                    String header = headerOfKey.get(e.getKey());
                    double measured = Duration.between(accepted.get(e.getKey()), e.getValue()).toNanos() / 1e6;
                    error.add(measured - injected.get(header).toNanos() / 1e6);
                    detection.add(Duration.between(front.deliveredAt.get(header), e.getValue()).toNanos() / 1e6);
                }
                System.out.printf("%-7s %-5s n=%3d  measured-injected ms: median %7.1f  p99 %7.1f  max %7.1f  min %6.1f"
                        + "  | seen-delivered ms: median %7.1f  p99 %7.1f  max %7.1f  min %6.1f  | not seen: %d%n",
                        label, path.label(), error.size(), pct(error, 50), pct(error, 99), pct(error, 100),
                        pct(error, 0), pct(detection, 50), pct(detection, 99), pct(detection, 100), pct(detection, 0),
                        plan.size() - error.size());
            }
        } finally {
            watchers.values().forEach(ArrivalWatcher::close);
            greenMail.stop();
        }
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, Duration within) throws InterruptedException {
        Instant until = Instant.now().plus(within);
        while (!condition.getAsBoolean() && Instant.now().isBefore(until)) {
            Thread.sleep(20);
        }
    }
}
