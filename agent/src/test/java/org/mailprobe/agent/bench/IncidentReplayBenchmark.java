package org.mailprobe.agent.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.runtime.Agent;
import org.mailprobe.agent.runtime.ProbeFigures;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.testing.Testbed;

/**
 * Issue 12's incident replayed on the loopback testbed (deploy/testbed/up): the agent runs a
 * receive route into the testbed's Postfix on port 25 (a probe every 10 s, watched by IMAP and
 * POP3, with reachability checks of both every 5 s), Dovecot is stopped for 60 s while probes are in
 * flight (Postfix defers their LMTP delivery meanwhile), then started again. For each probe it prints
 * the agent's reported delay per path, whether the probe was first seen on a reconnect and the
 * watcher's blind gap, next to Postfix's own word from its log: when its {@code status=sent} line
 * was written and its {@code delay=}. Prints, asserts nothing. Needs root (it stops and starts the
 * testbed's Dovecot) and the testbed to itself: never run it beside the interop tests.
 *
 * <p>Arguments: seconds of Dovecot outage (default 60), seconds before it (default 30).
 */
public final class IncidentReplayBenchmark {
    static final int USER = 2;
    static final Duration INTERVAL = Duration.ofSeconds(10);
    /** How long after Dovecot's return the run waits for the probes still in flight. */
    static final Duration SETTLE = Duration.ofMinutes(3);

    private IncidentReplayBenchmark() {}

    public static void main(String[] args) throws Exception {
        Duration outage = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60);
        Duration before = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30);
        Testbed bed = Testbed.load();
        Path state = Path.of(bed.get("MAILPROBE_TESTBED_DIR"));
        Path dovecotConf = state.resolve("dovecot/dovecot.conf");
        Path postfixLog = Path.of(bed.get("LOG_DIR")).resolve("postfix.log");
        Path dir = Files.createTempDirectory("mailprobe-incident-");
        Path key = dir.resolve("key.secret");
        Files.writeString(key, "incident-replay-key-0123456789abcdef\n", StandardCharsets.US_ASCII);
        Path configFile = dir.resolve("mailprobe.yml");
        Files.writeString(configFile, config(bed.host(), bed.port("SMTP_PORT"), bed.port("IMAPS_PORT"),
                bed.port("POP3S_PORT"), bed.caFile(), bed.user(USER), bed.passwordFile(USER), key, dir),
                StandardCharsets.UTF_8);
        AgentConfig config = ConfigLoader.load(configFile, ProbeClock.system());
        List<ProbeFigures> outcomes = new CopyOnWriteArrayList<>();
        System.out.printf("Incident replay on the testbed: receive probes every %d s into Postfix:%s for %s, "
                + "Dovecot stopped %d s after %d s; work dir %s%n", INTERVAL.toSeconds(), bed.get("SMTP_PORT"),
                bed.user(USER), outage.toSeconds(), before.toSeconds(), dir);
        Instant stopped;
        Instant restarted;
        try (Agent agent = new Agent(config, new InetSocketAddress("127.0.0.1", 0), outcomes::add, ProbeClock.system())) {
            agent.start();
            Thread.sleep(before.toMillis());
            stopped = ProbeClock.system().now();
            run("doveadm", "-c", dovecotConf.toString(), "stop");
            System.out.printf("%s Dovecot stopped%n", stopped);
            Thread.sleep(outage.toMillis());
            restarted = ProbeClock.system().now();
            run("dovecot", "-c", dovecotConf.toString());
            System.out.printf("%s Dovecot started again%n", restarted);
            long end = System.nanoTime() + SETTLE.toNanos();
            // Probes sent until the restart plus one interval: wait for all of them to finish.
            int expected = (int) ((before.plus(outage).plus(INTERVAL).toSeconds()) / INTERVAL.toSeconds());
            while (System.nanoTime() - end < 0 && (outcomes.size() < expected || agent.inFlight().size() > 0)) {
                Thread.sleep(500);
            }
        }
        print(outcomes, Files.readAllLines(postfixLog, StandardCharsets.UTF_8), stopped, restarted);
    }

    static void print(List<ProbeFigures> outcomes, List<String> postfixLog, Instant stopped, Instant restarted) {
        int year = stopped.atZone(ZoneId.systemDefault()).getYear();
        System.out.println("probe                      accepted                     postfix sent at              "
                + "postfix delay  path  reported  seen on reconnect (blind)  reported - postfix");
        for (ProbeFigures o : outcomes) {
            Instant accepted = o.submission().accepted();
            Optional<String> queueId = PostfixLog.queueId(o.submission().lastReply());
            Optional<PostfixLog.Sent> sent = queueId.flatMap(q -> PostfixLog.sent(postfixLog, q, year,
                    ZoneId.systemDefault()));
            for (ProbeFigures.PathFigures p : o.paths()) {
                Duration reported = p.delay();
                Arrival a = p.arrival();
                String mark = a == null ? "-" : a.seenOnReconnect()
                        ? String.format(Locale.ROOT, "yes (%.1f s)", a.blind().gap().toMillis() / 1e3) : "no";
                String diff = reported == null || sent.isEmpty() ? "-"
                        : String.format(Locale.ROOT, "%+.3f s", reported.minus(sent.get().delay()).toMillis() / 1e3);
                System.out.printf(Locale.ROOT, "%-26s %-28s %-28s %-14s %-5s %-9s %-26s %s%n",
                        o.submission().token().key(), accepted,
                        sent.map(s -> s.at().toString()).orElse(queueId.isPresent() ? "(no sent line)" : "(no queue id)"),
                        sent.map(s -> String.format(Locale.ROOT, "%.3f s", s.delay().toMillis() / 1e3)).orElse("-"),
                        p.watch().path().label(),
                        reported == null ? "lost" : String.format(Locale.ROOT, "%.3f s", reported.toMillis() / 1e3),
                        mark, diff);
            }
        }
        System.out.printf("Dovecot down from %s to %s (%d s).%n", stopped, restarted,
                Duration.between(stopped, restarted).toSeconds());
    }

    /** The agent's config for the replay: one receive route, reachability of IMAP and POP3, a journal. */
    static String config(String host, int smtpPort, int imapsPort, int pop3sPort, Path ca, String user,
            Path passwordFile, Path key, Path dir) {
        return String.join("\n",
                "agent:",
                "  id: incident-replay",
                "  site: testbed",
                "  key_file: " + key,
                "defaults:",
                "  ca_file: " + ca,
                "servers:",
                "  mx: {protocol: smtp, host: " + host + ", port: " + smtpPort + ", tls: starttls}",
                "  imap: {protocol: imap, host: " + host + ", port: " + imapsPort + ", tls: implicit}",
                "  pop3: {protocol: pop3, host: " + host + ", port: " + pop3sPort + ", tls: implicit}",
                "accounts:",
                "  probe: {address: " + user + ", password_file: " + passwordFile + "}",
                "routes:",
                "  - name: incident",
                "    kind: receive",
                "    from_address: agent@incident.example",
                "    deliver_via: mx",
                "    starttls: required",
                "    to: probe",
                "    interval: " + INTERVAL.toSeconds() + "s",
                "    jitter: 0s",
                "    timeout: 5m",
                "    watch:",
                "      - {path: imap, server: imap}",
                "      - {path: pop3, server: pop3, poll_interval: 1s}",
                "reachability:",
                "  state_dir: " + dir.resolve("state"),
                "endpoints:",
                "  imap: {kind: imap, host: " + host + ", port: " + imapsPort + ", tls: implicit, interval: 5s, "
                        + "timeout: 3s, retries: 0}",
                "  pop3: {kind: pop3, host: " + host + ", port: " + pop3sPort + ", tls: implicit, interval: 5s, "
                        + "timeout: 3s, retries: 0}",
                "services:",
                "  mail: {endpoints: [imap, pop3]}",
                "journal:",
                "  dir: " + dir.resolve("journal"),
                "");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue());
        }
    }
}
