package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
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
import org.mailprobe.probes.watch.WebmailArrivalWatcher;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * The packaged jar against the real testbed (deploy/testbed: Postfix 587, Dovecot, Roundcube):
 * two loop routes submit through Postfix with AUTH over STARTTLS (the test CA verified) to one
 * mailbox watched on IMAP and on Roundcube, one route by the {@code roundcube} driver and one by
 * the {@code form} driver configured as docs/CONFIG.md's worked example. Both must record webmail
 * delays; Roundcube must leave the probes unread. Fails, never skips, without a testbed.
 */
@Timeout(240)
class WebmailInteropIT {
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
    static final TokenSigner SIGNER = new TokenSigner("interop-key-interop-key-0123456789".getBytes(
            StandardCharsets.US_ASCII));
    static Testbed env;

    @TempDir
    Path dir;

    @BeforeAll
    static void testbed() {
        env = Testbed.load();
    }

    /** The config, written as an operator would (the form driver's block is the docs' example). */
    private Path config() throws Exception {
        Files.writeString(dir.resolve("key.secret"), "interop-key-interop-key-0123456789\n");
        Path password = dir.resolve("probe.pw");
        Files.writeString(password, env.get("USER1_PASSWORD") + "\n", StandardCharsets.UTF_8);
        for (Path p : new Path[] {dir.resolve("key.secret"), password}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
        String rc = env.get("ROUNDCUBE_URL");
        // Two webmail servers on one Roundcube: named apart (127.0.0.1 and localhost) so that each
        // has its own watcher and mailbox label.
        String rcByName = rc.replace("://" + env.get("HOST") + ":", "://localhost:");
        String yaml = String.join("\n",
                "agent: {id: interop-agent, site: testbed, key_file: key.secret}",
                "defaults: {ca_file: " + env.get("CA_FILE") + ", connect_timeout: 5s, read_timeout: 10s}",
                "servers:",
                "  submission: {protocol: smtp, host: " + env.get("TLS_HOSTNAME") + ", port: "
                        + env.get("SUBMISSION_PORT") + ", tls: starttls}",
                "  imap: {protocol: imap, host: " + env.get("TLS_HOSTNAME") + ", port: " + env.get("IMAP_PORT")
                        + ", tls: starttls}",
                "  roundcube: {protocol: webmail, url: '" + rc + "', insecure_plain_http: true}",
                "  roundcube-form:",
                "    protocol: webmail",
                "    url: '" + rcByName + "'",
                "    insecure_plain_http: true",
                "    driver: form",
                "    form:",
                "      login_url: \"?_task=login\"",
                "      user_field: _user",
                "      password_field: _pass",
                "      fields: {_task: login, _action: login, _timezone: _default_, _url: \"\"}",
                "      hidden_fields:",
                "        - {name: _token, selector: \"input[name=_token]\"}",
                "      logged_in_pattern: '\"task\":\"mail\"'",
                "      captures:",
                "        - {name: request_token, pattern: '\"request_token\":\"([^\"]+)\"'}",
                "      search_url: \"?_task=mail&_action=search&_q={query}&_headers=subject&_filter=ALL&_scope=base"
                        + "&_mbox={folder}&_remote=1\"",
                "      search_headers: {X-Roundcube-Request: \"{request_token}\"}",
                "      id_pattern: 'add_message_row\\((\\d+),'",
                "      message_url: \"?_task=mail&_action=viewsource&_uid={id}&_mbox={folder}\"",
                "      session_expired_pattern: session_error",
                "      logout_url: \"?_task=logout&_token={request_token}\"",
                "accounts:",
                "  probe: {address: " + env.get("USER1") + ", password_file: probe.pw}",
                "routes:",
                "  - {name: loop-roundcube, kind: loop, from: probe, submit_via: submission, to: probe, interval: 3s,",
                "     jitter: 0s, timeout: 2m, watch: [{path: imap, server: imap}, "
                        + "{path: webmail, server: roundcube, poll_interval: 1s}]}",
                "  - {name: loop-form, kind: loop, from: probe, submit_via: submission, to: probe, interval: 3s,",
                "     jitter: 0s, timeout: 2m, watch: [{path: imap, server: imap}, "
                        + "{path: webmail, server: roundcube-form, poll_interval: 1s}]}",
                "");
        Path file = dir.resolve("mailprobe.yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void loopThroughPostfixIsSeenThroughRoundcubeByBothDriversAndLeftUnread() throws Exception {
        try (AgentProcess agent = AgentProcess.run(config())) {
            String metrics = agent.metricsUrl(Duration.ofSeconds(60));
            assertNotNull(metrics, agent.logText());
            String page = Scrapes.until(metrics, Duration.ofSeconds(120), p ->
                    Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "route=\"loop-roundcube\"",
                            "path=\"webmail\"") >= 3
                            && Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "route=\"loop-form\"",
                            "path=\"webmail\"") >= 3);

            assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "route=\"loop-roundcube\"",
                    "path=\"imap\"", "leg=\"loop\"") >= 3, page);
            assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "route=\"loop-form\"",
                    "path=\"webmail\"", "leg=\"loop\"") >= 3, page);
            // Seen on webmail within the route's probes: a mean well under the 2 s of poll plus Postfix.
            double sum = Scrapes.value(page, "mailprobe_delivery_delay_seconds_sum", "route=\"loop-roundcube\"",
                    "path=\"webmail\"");
            double count = Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "route=\"loop-roundcube\"",
                    "path=\"webmail\"");
            assertTrue(sum / count < 10, "mean webmail delay " + sum / count + " s\n" + page);
            assertEquals(0.0, Scrapes.value(page, "mailprobe_probes_total", "result=\"failure\""), page);
            assertEquals(0.0, Scrapes.value(page, "mailprobe_watcher_failures_total", "path=\"webmail\""), page);

            assertTrue(agent.stop(), "the agent did not stop on SIGTERM");
            String log = agent.logText();
            assertFalse(log.contains(env.get("USER1_PASSWORD")), "the password leaked into the log");
            assertFalse(log.contains("roundcube_sess"), "a session cookie leaked into the log");
        }
        assertEquals(0, unreadProbesMarkedSeen(), "Roundcube marked a probe read: the webmail path must only read");
    }

    @Test
    void roundcubeShowsAProbeWithItsTimingsAndLeavesItUnread() throws Exception {
        // USER2's mailbox: the agent of the other test does not delete there.
        String user = env.get("USER2");
        Account account = new Account(user, Secret.of(env.get("USER2_PASSWORD")));
        TlsPolicy tls = TlsPolicy.trusting(Path.of(env.get("CA_FILE")));
        ProbeToken token = new ProbeToken("interop-direct", "webmail", System.currentTimeMillis(),
                ProbeClock.system().now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        WebmailArrivalWatcher watcher = new WebmailArrivalWatcher(new WebmailSettings(
                URI.create(env.get("ROUNDCUBE_URL")), WebmailSettings.Driver.ROUNDCUBE, null, account, tls, TIMEOUTS,
                "INBOX", Duration.ofMillis(500), "interop.test", "interop-direct"), SIGNER, a -> {
                    arrivals.add(a);
                    return true;
                }, ProbeClock.system());
        try {
            watcher.start();
            SubmissionResult sent = new SubmissionProbe(new SubmissionSettings(new ServerEndpoint(
                    env.get("TLS_HOSTNAME"), env.port("SUBMISSION_PORT"), TlsMode.STARTTLS), account, tls, TIMEOUTS,
                    "interop.test"), SIGNER, ProbeClock.system()).submit(user, user, token, Instant.now().plusSeconds(30));
            assertTrue(sent.succeeded(), sent.reason().label());
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (arrivals.stream().noneMatch(a -> a.token().equals(token)) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            Arrival arrival = arrivals.stream().filter(a -> a.token().equals(token)).findFirst().orElseThrow(
                    () -> new AssertionError("the probe was not seen through Roundcube within 30 s"));
            assertEquals(AccessPath.WEBMAIL, arrival.path());
            assertTrue(arrival.evidence().keySet().containsAll(List.of("login_ms", "search_ms", "source_ms")),
                    arrival.evidence().toString());
            assertFalse(arrival.received().isEmpty(), "Roundcube's view source shows the Received headers");
            assertTrue(watcher.healthy());
        } finally {
            watcher.close();
        }
        Boolean seen = withProbe(user, env.get("USER2_PASSWORD"), SIGNER.sign(token));
        assertEquals(Boolean.FALSE, seen, "the probe must be in the mailbox and not \\Seen after Roundcube showed "
                + "its source");
    }

    @Test
    void wrongPasswordAtRoundcubeIsReasonLogin() throws Exception {
        List<Reason> failures = new CopyOnWriteArrayList<>();
        WebmailArrivalWatcher watcher = new WebmailArrivalWatcher(new WebmailSettings(
                URI.create(env.get("ROUNDCUBE_URL")), WebmailSettings.Driver.ROUNDCUBE, null,
                new Account(env.get("USER3"), Secret.of("not-the-password")), TlsPolicy.verified(), TIMEOUTS, "INBOX",
                Duration.ofSeconds(5), "interop.test", "interop-direct"), SIGNER, new ArrivalListener() {
                    @Override
                    public boolean onArrival(Arrival arrival) {
                        return false;
                    }

                    @Override
                    public void onWatchFailure(AccessPath path, String mailbox, Reason reason) {
                        failures.add(reason);
                    }
                }, ProbeClock.system());
        try {
            watcher.start();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (failures.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        } finally {
            watcher.close();
        }
        assertEquals(Reason.LOGIN, failures.isEmpty() ? null : failures.get(0));
    }

    /**
     * Whether the message with this token header is \Seen (null if it is not in the mailbox); then
     * deletes it, being our own verified probe.
     */
    private Boolean withProbe(String user, String password, String tokenHeader) throws Exception {
        try (Store store = imapSession().getStore("imap")) {
            store.connect(env.get("TLS_HOSTNAME"), env.port("IMAP_PORT"), user, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Boolean seen = null;
            for (Message m : inbox.getMessages()) {
                String[] h = m.getHeader("X-Mailprobe-Token");
                if (h != null && h.length == 1 && h[0].replaceAll("\\s+", " ").equals(tokenHeader)) {
                    seen = m.isSet(Flags.Flag.SEEN);
                    m.setFlag(Flags.Flag.DELETED, true);
                }
            }
            inbox.close(true);
            return seen;
        }
    }

    private static Session imapSession() {
        Properties props = new Properties();
        props.put("mail.imap.starttls.enable", "true");
        props.put("mail.imap.starttls.required", "true");
        props.put("mail.imap.ssl.checkserveridentity", "true");
        props.put("mail.imap.ssl.socketFactory", TlsPolicy.trusting(Path.of(env.get("CA_FILE"))).socketFactory());
        props.put("mail.imap.connectiontimeout", "5000");
        props.put("mail.imap.timeout", "10000");
        return Session.getInstance(props);
    }

    /** Probes still in the mailbox that carry \Seen; read over IMAP with the test CA. */
    private int unreadProbesMarkedSeen() throws Exception {
        try (Store store = imapSession().getStore("imap")) {
            store.connect(env.get("TLS_HOSTNAME"), env.port("IMAP_PORT"), env.get("USER1"), env.get("USER1_PASSWORD"));
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int seen = 0;
            for (Message m : inbox.getMessages()) {
                if (m.getHeader("X-Mailprobe-Token") != null && m.isSet(Flags.Flag.SEEN)) {
                    seen++;
                }
            }
            inbox.close(false);
            return seen;
        }
    }
}
