package org.mailprobe.probes.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.Testbed;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.WatchSettings;
import org.mailprobe.probes.watch.WebmailArrivalWatcher;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * Webmail detection latency against the real testbed (Postfix 587, Dovecot, Roundcube): probes
 * are submitted one at a time, at random moments relative to the poll, and watched on IMAP (IDLE
 * with its quick recheck) and on Roundcube at the default poll interval. Prints, per path, seen
 * minus accepted, and the webmail's figure minus IMAP's for the same probe (what the webmail path
 * adds); asserts nothing. Arguments: probes (default 20), poll interval in ms (default 5000).
 * The IMAP watcher deletes each probe once both paths have seen it.
 */
public final class WebmailLatencyBenchmark {
    static final String AGENT = "bench";
    static final TokenSigner SIGNER =
            new TokenSigner("benchmark-key-benchmark-key-0123".getBytes(StandardCharsets.US_ASCII));

    private WebmailLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int probes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Duration poll = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1])
                : WebmailSettings.DEFAULT_POLL_INTERVAL.toMillis());
        Testbed env = Testbed.load();
        String host = env.get("HOST");
        String user = env.get("USER1");
        Account account = new Account(user, Secret.of(env.get("USER1_PASSWORD")));
        TlsPolicy tls = TlsPolicy.trusting(Path.of(env.get("CA_FILE")));
        String tlsName = env.get("TLS_HOSTNAME");
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
        System.out.printf("mailprobe webmail latency benchmark: %d probes, webmail poll %d ms, Roundcube %s, "
                + "testbed %s%n", probes, poll.toMillis(), env.get("ROUNDCUBE_URL"), env.file());

        Map<AccessPath, Map<String, Instant>> seen = new LinkedHashMap<>();
        seen.put(AccessPath.IMAP, new ConcurrentHashMap<>());
        seen.put(AccessPath.WEBMAIL, new ConcurrentHashMap<>());
        Map<String, List<Double>> requests = new ConcurrentHashMap<>();
        String route = "bench" + System.currentTimeMillis();
        ArrivalListener listener = new ArrivalListener() {
            @Override
            public boolean onArrival(org.mailprobe.probes.Arrival a) {
                if (!a.token().agentId().equals(AGENT) || !a.token().route().equals(route)) {
                    return false; // an earlier run's probe: not counted, and no longer ours to delete
                }
                seen.get(a.path()).putIfAbsent(a.token().key(), a.seenAt());
                for (String key : List.of("search_ms", "source_ms")) {
                    if (a.evidence().containsKey(key)) {
                        requests.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(Double.parseDouble(a.evidence().get(key)));
                    }
                }
                if (a.evidence().containsKey("login_ms")) {
                    requests.put("login_ms", List.of(Double.parseDouble(a.evidence().get("login_ms"))));
                }
                return mayDeleteNow(a.token(), a.path(), a.mailbox());
            }

            /** The IMAP watcher deletes a probe once both paths have seen it. */
            @Override
            public boolean mayDeleteNow(ProbeToken token, AccessPath path, String mailbox) {
                return token.route().equals(route) && seen.values().stream().allMatch(m -> m.containsKey(token.key()));
            }
        };
        List<ArrivalWatcher> watchers = List.of(
                new ImapArrivalWatcher(new WatchSettings(new ServerEndpoint(tlsName, env.port("IMAP_PORT"),
                        TlsMode.STARTTLS), account, tls, timeouts, "INBOX", Duration.ofSeconds(2),
                        Duration.ofMinutes(5), true, "bench.test", AGENT), SIGNER, listener, ProbeClock.system()),
                new WebmailArrivalWatcher(new WebmailSettings(java.net.URI.create(env.get("ROUNDCUBE_URL")),
                        WebmailSettings.Driver.ROUNDCUBE, null, account, tls, timeouts, "INBOX", poll, "bench.test",
                        AGENT), SIGNER, listener, ProbeClock.system()));
        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        try {
            watchers.forEach(ArrivalWatcher::start);
            waitUntil(() -> watchers.stream().allMatch(ArrivalWatcher::healthy), Duration.ofSeconds(30));
            SubmissionProbe submission = new SubmissionProbe(new SubmissionSettings(
                    new ServerEndpoint(tlsName, env.port("SUBMISSION_PORT"), TlsMode.STARTTLS), account, tls,
                    timeouts, "bench.test"), SIGNER, ProbeClock.system());
            for (int i = 1; i <= probes; i++) {
                ProbeToken token = new ProbeToken(AGENT, route, i, ProbeClock.system().now());
                SubmissionResult r = submission.submit(user, user, token, Instant.now().plusSeconds(30));
                if (!r.succeeded()) {
                    throw new IllegalStateException("submission failed: " + r.reason());
                }
                accepted.put(token.key(), r.accepted());
                String key = token.key();
                waitUntil(() -> seen.get(AccessPath.WEBMAIL).containsKey(key), poll.multipliedBy(3));
                // A random phase against the poll, so the figure is the mean over phases.
                Thread.sleep(ThreadLocalRandom.current().nextLong(poll.toMillis()));
            }
        } finally {
            watchers.forEach(ArrivalWatcher::close);
        }
        List<Double> extra = new ArrayList<>();
        for (AccessPath path : seen.keySet()) {
            List<Double> delay = new ArrayList<>();
            for (Map.Entry<String, Instant> e : seen.get(path).entrySet()) {
                Instant a = accepted.get(e.getKey());
                if (a != null) {
                    delay.add(Duration.between(a, e.getValue()).toNanos() / 1e6);
                }
            }
            print(path.label() + " seen-accepted", delay);
        }
        for (Map.Entry<String, Instant> e : seen.get(AccessPath.WEBMAIL).entrySet()) {
            Instant imap = seen.get(AccessPath.IMAP).get(e.getKey());
            if (imap != null && accepted.containsKey(e.getKey())) {
                extra.add(Duration.between(imap, e.getValue()).toNanos() / 1e6);
            }
        }
        print("webmail-imap (detection latency)", extra);
        for (Map.Entry<String, List<Double>> e : new java.util.TreeMap<>(requests).entrySet()) {
            print("roundcube request " + e.getKey(), new ArrayList<>(e.getValue()));
        }
        System.exit(0);
    }

    private static void print(String what, List<Double> values) {
        System.out.printf("%-34s n=%3d  median %8.1f ms  p99 %8.1f ms  min %8.1f  max %8.1f%n", what, values.size(),
                AccuracyBenchmark.pct(values, 50), AccuracyBenchmark.pct(values, 99), AccuracyBenchmark.pct(values, 0),
                AccuracyBenchmark.pct(values, 100));
    }

    private static void waitUntil(java.util.function.BooleanSupplier done, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }
}
