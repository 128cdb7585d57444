package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/**
 * The one-shot probe connects its watcher and its submission at the same time, and sends DATA only
 * once the watcher is ready (issue 13): here the IMAP server is slow to answer a new connection.
 */
@Timeout(120)
class OneShotParallelStartTest {
    /** How long the IMAP server's first bytes are held back: far longer than a loopback submission's log-in. */
    static final Duration SLOW_IMAP = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    TestProvider provider;
    SlowStartProxy imap;
    SlowStartProxy smtp;
    final Cli cli = new Cli();

    @BeforeEach
    void start() throws IOException {
        provider = new TestProvider();
        imap = new SlowStartProxy(provider.imaps().port(), SLOW_IMAP);
        smtp = new SlowStartProxy(provider.smtp().port(), Duration.ZERO);
    }

    @AfterEach
    void stop() {
        imap.close();
        smtp.close();
        provider.close();
    }

    JsonNode probe() throws IOException {
        Path password = Files.writeString(dir.resolve("pw"), TestProvider.PASSWORD + "\n");
        int code = cli.run("probe", "--smtp-host", "localhost", "--smtp-port", Integer.toString(smtp.port()),
                "--smtp-tls", "plain", "--insecure-plain-auth", "--user", TestProvider.USER,
                "--password-file", password.toString(), "--imap-host", "localhost",
                "--imap-port", Integer.toString(imap.port()), "--ca-file", TestCa.get().caPem().toString(),
                "--timeout", "30s", "--output", "json");
        JsonNode json = new ObjectMapper().readTree(cli.out.toString());
        assertEquals(ExitCodes.OK, code, cli.out + "\n" + cli.err);
        return json;
    }

    @Test
    void theSubmissionConnectsWhileTheWatcherIsStillWaitingForItsServer() throws IOException {
        probe();

        assertNotNull(imap.released());
        assertTrue(smtp.firstAccepted().isBefore(imap.released()),
                "submission connected at " + smtp.firstAccepted() + ", the IMAP server answered at " + imap.released());
    }

    @Test
    void dataIsSentOnlyAfterTheWatcherCouldBeReady() throws IOException {
        probe();

        Instant data = smtp.firstSeen("DATA");
        assertNotNull(data, "no DATA seen");
        // The watcher cannot be ready before its server's first bytes reached it.
        assertTrue(data.isAfter(imap.released()), "DATA at " + data + ", IMAP server answered at " + imap.released());
    }

    @Test
    void theWaitForTheWatcherIsInNoSmtpStage() throws IOException {
        JsonNode submission = probe().get("submission");

        Duration inStages = Duration.ZERO;
        for (String stage : List.of("dns", "connect", "greeting", "ehlo", "auth", "envelope", "data")) {
            JsonNode s = submission.get("stages_seconds").get(stage);
            inStages = inStages.plusNanos(s == null ? 0 : Math.round(s.asDouble() * 1e9));
        }
        Duration mailToData = Duration.between(smtp.firstSeen("MAIL"), smtp.firstSeen("DATA"));
        Duration envelope = Duration.ofNanos(Math.round(submission.get("stages_seconds").get("envelope").asDouble() * 1e9));
        // Most of MAIL..DATA was the hold (the IMAP server is held SLOW_IMAP from about the
        // submission's start); none of it may be in the envelope stage.
        assertTrue(mailToData.minus(envelope).compareTo(Duration.ofSeconds(1)) > 0,
                "MAIL to DATA " + mailToData + ", envelope stage " + envelope + ", stages " + submission);
        Duration startedToAccepted = Duration.between(Instant.parse(submission.get("started").asText()),
                Instant.parse(submission.get("accepted").asText()));
        assertTrue(startedToAccepted.minus(inStages).compareTo(Duration.ofSeconds(1)) > 0,
                "started to accepted " + startedToAccepted + ", in stages " + inStages);
    }
    @Test
    void aSubmissionRefusedAtOnceStillReportsWhyTheSlowWatcherFailed() throws IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path password = Files.writeString(dir.resolve("pw"), TestProvider.PASSWORD + "\n");
        // No --ca-file: the IMAP server's certificate is refused, but only after its slow start;
        // the submission's port is closed, so it fails long before that.
        int code = cli.run("probe", "--smtp-host", "localhost", "--smtp-port", Integer.toString(closed),
                "--smtp-tls", "plain", "--insecure-plain-auth", "--user", TestProvider.USER,
                "--password-file", password.toString(), "--imap-host", "localhost",
                "--imap-port", Integer.toString(imap.port()), "--timeout", "30s", "--output", "json");

        assertTrue(code != ExitCodes.OK, cli.out + "\n" + cli.err);
        String problems = new ObjectMapper().readTree(cli.out.toString()).get("watcher_problems").toString();
        assertTrue(problems.contains("imap ") && problems.contains(": certificate"), problems);
    }
}
