package org.mailprobe.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.interop.ProbeJar.Run;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.Testbed;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The packaged jar's {@code probe} against the loopback testbed of real servers (deploy/testbed):
 * Postfix submission on 587 with STARTTLS and SASL AUTH, delivery through Dovecot LMTP, and
 * Dovecot's IMAP and POP3, every certificate verified against the testbed's CA. Maven brings the
 * testbed up before and down after (agent/pom.xml); if it is not up these tests fail, not skip.
 * User 2 of the testbed is this class's (user 1 is left to the webmail tests, user 3 only receives).
 */
@Timeout(300)
class LoopInteropIT {
    static final int USER = 2;
    static Testbed bed;

    @TempDir
    Path dir;

    @BeforeAll
    static void testbedIsUp() {
        bed = Testbed.load();
    }

    @Test
    void loopIsSeenByImapAndPop3OverVerifiedTlsAndOnlyTheProbeIsDeleted() throws Exception {
        String subject = "not a probe " + UUID.randomUUID();
        Instant started = Instant.now();
        try (Store store = Mailbox.open(bed, bed.account(USER))) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Mailbox.deliver(bed, bed.user(USER), subject);
            Message mine = Mailbox.await(inbox, subject, Duration.ofSeconds(30));
            assertNotNull(mine, "the user's own message never arrived");
            mine.setFlag(Flags.Flag.FLAGGED, true);
            Flags before = new Flags(mine.getFlags());
            int probesBefore = Mailbox.probes(inbox);

            Run run = ProbeJar.run(ProbeJar.loopArgs(bed, USER, bed.passwordFile(USER),
                    "--ca-file", bed.caFile().toString(), "--output", "json"));

            assertEquals(0, run.exit(), run.toString());
            JsonNode json = run.json();
            assertEquals("success", json.get("result").asText(), run.toString());
            assertTrue(json.get("submission").get("stages_seconds").has("starttls"), run.toString());
            for (String path : List.of("imap", "pop3")) {
                JsonNode p = run.path(path);
                assertEquals("seen", p.get("result").asText(), run.toString());
                double delay = p.get("delay_seconds").asDouble();
                assertTrue(delay > 0 && delay < 30, path + " delay " + delay);
                System.out.printf("interop loop: %s delay %.3f s%n", path, delay);
            }
            assertFalse(run.log().contains(Files.readString(bed.passwordFile(USER)).strip()), "the password leaked");

            // The probe is gone once both paths saw it; the user's message is there, flags as they were.
            Instant until = Instant.now().plusSeconds(10);
            while (Mailbox.probes(inbox) > probesBefore && Instant.now().isBefore(until)) {
                Thread.sleep(100);
            }
            assertEquals(probesBefore, Mailbox.probes(inbox), "the measured probe was not deleted");
            Message after = Mailbox.await(inbox, subject, Duration.ZERO);
            assertNotNull(after, "the user's own message was removed");
            assertEquals(before, after.getFlags(), "the user's own message's flags changed");
            assertFalse(after.isSet(Flags.Flag.SEEN), "the user's own message was marked read");
            after.setFlag(Flags.Flag.DELETED, true);
            inbox.close(true);
        }
        // Dovecot's own word that both watchers logged in over TLS (127.0.0.1 would allow clear text).
        assertTrue(loggedInOverTls("imap-login", bed.user(USER), started), "no IMAP login over TLS in the log");
        assertTrue(loggedInOverTls("pop3-login", bed.user(USER), started), "no POP3 login over TLS in the log");
    }

    @Test
    void heldMessageIsMeasuredWithAtLeastTheHeldTime() throws Exception {
        Duration hold = Duration.ofMillis(2500);
        Run run = ProbeJar.run(ProbeJar.loopArgs(bed, USER, bed.passwordFile(USER),
                "--ca-file", bed.caFile().toString(), "--to", bed.held(USER, hold), "--output", "json"));

        assertEquals(0, run.exit(), run.toString());
        for (String path : List.of("imap", "pop3")) {
            double delay = run.path(path).get("delay_seconds").asDouble();
            System.out.printf("interop held %d ms: %s delay %.3f s (measured minus held %.0f ms)%n", hold.toMillis(),
                    path, delay, delay * 1000 - hold.toMillis());
            assertTrue(delay >= hold.toMillis() / 1000.0, path + " measured " + delay + " s, less than the hold");
            // Not absurdly more: a POP3 poll is 1 s; anything beyond 10 s would be a broken measurement.
            assertTrue(delay < hold.toMillis() / 1000.0 + 10, path + " measured " + delay + " s");
        }
    }

    @Test
    void nagiosOutputIsOkWithPerfdataForEveryPath() throws Exception {
        Run run = ProbeJar.run(ProbeJar.loopArgs(bed, USER, bed.passwordFile(USER),
                "--ca-file", bed.caFile().toString(), "--output", "nagios"));

        assertEquals(0, run.exit(), run.toString());
        String line = run.out().strip();
        System.out.println("interop nagios: " + line);
        assertTrue(line.startsWith("MAILPROBE OK - "), line);
        assertTrue(Pattern.compile("\\| .*imap=[0-9.]+s;60;3600;0 .*pop3=[0-9.]+s;60;3600;0").matcher(line).find(), line);
    }

    @Test
    void withoutTheTestCaTheWatchersFailWithReasonCertificate() throws Exception {
        Run run = ProbeJar.run(ProbeJar.loopArgs(bed, USER, bed.passwordFile(USER), "--timeout", "10s",
                "--output", "json"));

        assertEquals(1, run.exit(), run.toString());
        String problems = run.json().get("watcher_problems").toString();
        assertTrue(problems.contains("imap " + bed.user(USER)) && problems.contains(":143/INBOX: certificate"), problems);
        assertTrue(problems.contains(":110/INBOX: certificate"), problems);
        assertFalse(problems.contains(": starttls"), problems);
    }

    @Test
    void withoutTheTestCaSubmissionFailsWithReasonCertificate() {
        SubmissionResult r = submit(bed.account(USER), TlsPolicy.verified());

        assertEquals(Reason.CERTIFICATE, r.reason(), r.toString());
        assertEquals(Stage.STARTTLS, r.failedStage(), r.toString());
    }

    @Test
    void submissionWithTheTestCaTalksTlsThenAuthenticates() {
        SubmissionResult r = submit(bed.account(USER), bed.tls());

        assertTrue(r.succeeded(), r.toString());
        assertTrue(r.stages().containsKey(Stage.STARTTLS), r.toString());
    }

    @Test
    void wrongSubmissionPasswordFailsWithReasonAuth() throws Exception {
        Path wrong = dir.resolve("wrong.password");
        Files.writeString(wrong, "not-the-password\n");
        Run run = ProbeJar.run(ProbeJar.loopArgs(bed, USER, wrong, "--watch-password-file",
                bed.passwordFile(USER).toString(), "--ca-file", bed.caFile().toString(), "--output", "json"));

        assertEquals(1, run.exit(), run.toString());
        assertEquals("auth", run.json().get("reason").asText(), run.toString());
        assertEquals("auth", run.json().get("submission").get("failed_stage").asText(), run.toString());
        assertFalse(run.out().contains("not-the-password") || run.log().contains("not-the-password"), "password leaked");
        loginOnceAfterAFailure();
    }

    @Test
    void wrongMailboxPasswordFailsTheWatchersWithReasonAuth() throws Exception {
        Path wrong = dir.resolve("wrong.password");
        Files.writeString(wrong, "not-the-password\n");
        Run run = ProbeJar.run(ProbeJar.loopArgs(bed, USER, bed.passwordFile(USER), "--watch-password-file",
                wrong.toString(), "--ca-file", bed.caFile().toString(), "--timeout", "10s", "--output", "json"));

        assertEquals(1, run.exit(), run.toString());
        String problems = run.json().get("watcher_problems").toString();
        assertTrue(problems.contains(":143/INBOX: auth") && problems.contains(":110/INBOX: auth"), problems);
        assertFalse(run.out().contains("not-the-password") || run.log().contains("not-the-password"), "password leaked");
        loginOnceAfterAFailure();
    }

    /**
     * Dovecot now delays logins from 127.0.0.1 (2 s, doubling up to 15 s); one good login ends
     * that for the tests that follow.
     */
    private static void loginOnceAfterAFailure() throws Exception {
        try (Store store = Mailbox.open(bed, bed.account(USER))) {
            assertTrue(store.isConnected());
        }
    }

    private static SubmissionResult submit(Account account, TlsPolicy tls) {
        TokenSigner signer = new TokenSigner("interop-key-interop-key-0123456".getBytes(StandardCharsets.US_ASCII));
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(bed.submission(), account, tls,
                new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20)), "interop.test"), signer, ProbeClock.system());
        ProbeToken token = new ProbeToken("interop", "tls", System.nanoTime(), Instant.now());
        // To user 3, whom nothing watches: a probe of an agent that does not exist never lands in
        // this class's mailbox.
        return probe.submit(account.user(), bed.user(3), token, Instant.now().plusSeconds(30));
    }

    /** A Dovecot log line since {@code since}: {@code service: Info: Login: user=<user>, ..., TLS, ...}. */
    private static boolean loggedInOverTls(String service, String user, Instant since) throws Exception {
        Pattern line = Pattern.compile("^(\\w{3} +\\d+ [\\d:]{8}) " + Pattern.quote(service) + ": Info: Login: user=<"
                + Pattern.quote(user) + ">,.* TLS,");
        String year = Integer.toString(java.time.Year.now(java.time.ZoneOffset.UTC).getValue());
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy MMM d HH:mm:ss",
                java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
        Instant from = since.minusSeconds(1);
        for (String l : Files.readAllLines(bed.dovecotLog())) {
            Matcher m = line.matcher(l);
            if (m.find() && !Instant.from(f.parse(year + " " + m.group(1).replaceAll(" +", " "))).isBefore(from)) {
                return true;
            }
        }
        return false;
    }
}
