package org.mailprobe.probes.bench;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.CommandCountingProxy;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.WatchSettings;

/**
 * What one IMAP watcher costs the provider and the agent (issue 13): the commands it sends per
 * minute with no probe expected, the commands it sends for one probe (from the expectation until
 * the looks after its arrival are over), and the threads per watcher. GreenMail on loopback behind
 * a command-counting proxy, IDLE, a 60 s refresh. Prints, asserts nothing. Arguments: idle window
 * in seconds (default 60), probes (default 5), watchers for the thread count (default 50).
 */
public final class ImapLoadBenchmark {
    static final String AGENT = "bench";

    private ImapLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int idleSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int watcherCount = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        System.out.printf("mailprobe IMAP load benchmark: Java %s, %d cores, idle window %d s, %d probes, %d watchers%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), idleSeconds, probes, watcherCount);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ArrivalListener listener = a -> {
            seen.add(a.token().key());
            return true;
        };
        try (TestProvider provider = new TestProvider();
                CommandCountingProxy proxy = new CommandCountingProxy(provider.imap())) {
            ImapArrivalWatcher watcher = new ImapArrivalWatcher(settings(proxy, provider.account()), AccuracyBenchmark.SIGNER,
                    listener, ProbeClock.system());
            watcher.start();
            await(() -> proxy.clientLines().stream().anyMatch(l -> l.text().endsWith(" IDLE")), Duration.ofSeconds(30));

            int before = proxy.clientLines().size();
            Thread.sleep(idleSeconds * 1000L); // the window measured: nothing expected, nothing arriving
            List<String> idleLines = proxy.clientLines().subList(before, proxy.clientLines().size()).stream()
                    .map(l -> l.text()).toList();
            int idle = idleLines.size();
            System.out.println("commands in the window: " + idleLines);
            System.out.printf("no probe expected: %d commands in %d s = %.1f commands per minute%n", idle, idleSeconds,
                    idle * 60.0 / idleSeconds);

            List<Integer> untilSeen = new ArrayList<>();
            List<Integer> withSettling = new ArrayList<>();
            for (int i = 1; i <= probes; i++) {
                ProbeToken token = new ProbeToken(AGENT, "bench", i, ProbeClock.system().now());
                int start = proxy.clientLines().size();
                watcher.expectArrival(Instant.now().plus(Duration.ofMinutes(10)));
                send(provider, token);
                await(() -> seen.contains(token.key()), Duration.ofSeconds(30));
                watcher.expectArrival(Instant.EPOCH); // as the agent does once every path saw it
                untilSeen.add(proxy.clientLines().size() - start);
                Thread.sleep(1500); // past the looks after an arrival (1 s) and their last IDLE
                withSettling.add(proxy.clientLines().size() - start);
            }
            System.out.printf("one probe (expected from just before its submission): commands until seen %s, "
                    + "including the looks after its arrival %s%n", untilSeen, withSettling);
            watcher.close();

            System.gc();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            long oursBefore = ours();
            List<ImapArrivalWatcher> many = new ArrayList<>();
            for (int i = 0; i < watcherCount; i++) {
                ImapArrivalWatcher w = new ImapArrivalWatcher(settings(proxy, provider.account()), AccuracyBenchmark.SIGNER,
                        listener, ProbeClock.system());
                many.add(w);
                w.start();
            }
            await(() -> many.stream().allMatch(ImapArrivalWatcher::healthy), Duration.ofSeconds(60));
            Thread.sleep(2000);
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            long oursAfter = ours();
            System.out.printf("%d watchers: %d mailprobe platform threads more (%.2f per watcher), %d platform threads "
                    + "in all (GreenMail and the proxy too); virtual threads are not counted%n", watcherCount,
                    oursAfter - oursBefore, (oursAfter - oursBefore) / (double) watcherCount,
                    threadsAfter - threadsBefore);
            many.forEach(ImapArrivalWatcher::close);
        }
        System.exit(0);
    }

    /** Live platform threads of mailprobe's own (named mailprobe-...). */
    private static long ours() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("mailprobe-")).count();
    }

    private static WatchSettings settings(CommandCountingProxy proxy, Account account) {
        return new WatchSettings(proxy.endpoint(), account, TlsPolicy.verified(), TestProvider.FAST, "INBOX",
                Duration.ofSeconds(2), Duration.ofSeconds(60), true, "bench.test", AGENT);
    }

    private static void send(TestProvider provider, ProbeToken token) throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", provider.smtp().host());
        props.setProperty("mail.smtp.port", Integer.toString(provider.smtp().port()));
        Session session = Session.getInstance(props);
        MimeMessage m = ProbeMessage.build(session, "agent@example.test", TestProvider.USER, token, AccuracyBenchmark.SIGNER);
        Transport.send(m);
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("gave up after " + max);
            }
            Thread.sleep(5);
        }
    }
}
