package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

@Timeout(120)
class ProbeCommandTest {
    @TempDir
    Path dir;

    TestProvider provider;
    Path passwordFile;
    final Cli cli = new Cli();
    final StringWriter out = cli.out;
    final StringWriter err = cli.err;

    @BeforeEach
    void start() throws IOException {
        provider = new TestProvider();
        passwordFile = Files.writeString(dir.resolve("pw"), TestProvider.PASSWORD + "\n");
    }

    @AfterEach
    void stop() {
        ProbeCommand.senderSeam = java.util.function.UnaryOperator.identity();
        provider.close();
    }

    /**
     * Our client reads the server's 250 late, as a submission thread delayed after the server sent
     * it would (a loaded machine): its accepted instant is 30 s after the real one, so every
     * watcher sees the message before it.
     */
    void readThe250Late() {
        ProbeCommand.senderSeam = sender -> (from, to, token, deadline, hold) -> {
            org.mailprobe.probes.submit.SubmissionResult r = sender.send(from, to, token, deadline, hold);
            return !r.succeeded() ? r : new org.mailprobe.probes.submit.SubmissionResult(r.token(), r.reason(),
                    r.failedStage(), r.started(), r.accepted().plusSeconds(30), r.stages(), r.lastReply(), r.detail());
        };
    }

    @Test
    void textOutputSaysBelowResolutionNotANegativeDelayWhenTheWatcherSawItFirst() {
        readThe250Late();

        int code = run(flags().toArray(new String[0]));

        String text = out.toString();
        assertEquals(ExitCodes.OK, code, text + err);
        assertTrue(text.contains("delay 0.000 s (below resolution: seen "), text);
        assertFalse(text.contains("delay -"), text);
    }

    @Test
    void jsonOutputHasDelayZeroAndTheOrderWhenTheWatcherSawItFirst() throws IOException {
        readThe250Late();

        run(flags("--output", "json").toArray(new String[0]));

        JsonNode json = new ObjectMapper().readTree(out.toString());
        for (JsonNode path : json.get("paths")) {
            assertEquals(0.0, path.get("delay_seconds").asDouble(), path.toString());
            assertTrue(path.get("order").asText().contains("below resolution"), path.toString());
            assertTrue(path.get("seen_before_accepted_seconds").asDouble() > 0, path.toString());
        }
    }

    @Test
    void nagiosOutputIsOkWithZeroDelayBelowResolutionWhenTheWatcherSawItFirst() {
        readThe250Late();

        int code = run(flags("--output", "nagios").toArray(new String[0]));

        String line = out.toString().trim();
        assertEquals(ExitCodes.NAGIOS_OK, code, line + err);
        assertTrue(line.contains("imap 0.000s (below resolution"), line);
        assertFalse(line.matches(".*=-[0-9].*") || line.contains(" -0."), line);
    }

    int run(String... args) {
        return cli.run(args);
    }

    List<String> flags(String... extra) {
        List<String> args = new ArrayList<>(List.of("probe", "--smtp-host", "localhost",
                "--smtp-port", Integer.toString(provider.smtp().port()), "--smtp-tls", "plain", "--insecure-plain-auth",
                "--user", TestProvider.USER, "--password-file", passwordFile.toString(),
                "--imap-host", "localhost", "--imap-port", Integer.toString(provider.imaps().port()),
                "--pop3-host", "localhost", "--pop3-port", Integer.toString(provider.pop3s().port()),
                "--ca-file", TestCa.get().caPem().toString(), "--timeout", "30s"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void textOutputIsATimelineOfEveryStageAndPath() {
        int code = run(flags().toArray(new String[0]));

        String text = out.toString();
        assertEquals(ExitCodes.OK, code, text + err);
        for (String expected : new String[] {"dns", "connect", "greeting", "ehlo", "auth", "envelope", "data",
            "accepted: \"250", "seen by imap", "seen by pop3", "result: SUCCESS"}) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
        }
        assertFalse(text.contains(TestProvider.PASSWORD), "the password leaked into the output");
        // Only one path deletes (IMAP), maybe after the other saw it: the command waits for that.
        assertEquals(List.of(), provider.inbox(), "the measured probe was left in the mailbox");
    }

    @Test
    void jsonOutputHasTheSubmissionAndADelayPerPath() throws IOException {
        int code = run(flags("--output", "json").toArray(new String[0]));

        assertEquals(ExitCodes.OK, code, out + "" + err);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals("success", json.get("result").asText());
        assertTrue(json.get("submission").get("stages_seconds").has("data"));
        assertEquals(2, json.get("paths").size());
        for (JsonNode path : json.get("paths")) {
            assertEquals("seen", path.get("result").asText());
            assertTrue(path.get("delay_seconds").asDouble() >= 0);
        }
    }

    @Test
    void nagiosOutputIsOkWithPerfdataWithinTheThresholds() {
        int code = run(flags("--output", "nagios").toArray(new String[0]));

        String line = out.toString().trim();
        assertEquals(ExitCodes.NAGIOS_OK, code, line + err);
        assertTrue(line.matches("MAILPROBE OK - route adhoc delivered: imap [0-9.]+s, pop3 [0-9.]+s \\| "
                + "submit=[0-9.]+s;;;0 imap=[0-9.]+s;60;3600;0 pop3=[0-9.]+s;60;3600;0"), line);
    }

    @Test
    void nagiosIsCriticalWhenTheDelayIsOverTheCriticalThreshold() {
        int code = run(flags("--output", "nagios", "--warning", "0s", "--critical", "0s").toArray(new String[0]));

        assertEquals(ExitCodes.NAGIOS_CRITICAL, code, out + "" + err);
        assertTrue(out.toString().startsWith("MAILPROBE CRITICAL"), out.toString());
    }

    @Test
    void nagiosIsCriticalWithTheReasonWhenTheSubmissionFails() throws IOException {
        Files.writeString(passwordFile, "wrong\n");
        List<String> args = flags("--output", "nagios");
        args.addAll(List.of("--watch-password-file", Files.writeString(dir.resolve("pw2"), TestProvider.PASSWORD).toString()));

        int code = run(args.toArray(new String[0]));

        assertEquals(ExitCodes.NAGIOS_CRITICAL, code, out + "" + err);
        assertTrue(out.toString().contains("submission failed at auth (auth)"), out.toString());
    }

    @Test
    void untrustedCertificateMeansTheWatchersCannotConnectAndNothingIsSent() {
        List<String> args = flags("--output", "nagios");
        int ca = args.indexOf("--ca-file");
        args.remove(ca + 1);
        args.remove(ca);

        int code = run(args.toArray(new String[0]));

        assertEquals(ExitCodes.NAGIOS_CRITICAL, code, out + "" + err);
        String line = out.toString();
        assertTrue(line.startsWith("MAILPROBE CRITICAL"), line);
        assertTrue(line.contains("imap "), line);
        assertEquals(0, provider.greenMail().getReceivedMessages().length);
    }

    @Test
    void nagiosSaysEachDistinctWatcherProblemOnce() {
        List<String> args = flags("--output", "nagios");
        int ca = args.indexOf("--ca-file");
        args.remove(ca + 1);
        args.remove(ca);

        run(args.toArray(new String[0]));

        String line = out.toString().trim();
        assertEquals(1, line.split("imap [^;]*: certificate", -1).length - 1, line);
        assertEquals(1, line.split("pop3 [^;]*: certificate", -1).length - 1, line);
    }

    @Test
    void nagiosIsCriticalWhenTheProvidersServerRefusesTheWatchersLogin() throws IOException {
        List<String> args = flags("--output", "nagios");
        args.addAll(List.of("--watch-password-file", Files.writeString(dir.resolve("pw2"), "wrong").toString()));

        int code = run(args.toArray(new String[0]));

        assertEquals(ExitCodes.NAGIOS_CRITICAL, code, out + "" + err);
        assertTrue(out.toString().startsWith("MAILPROBE CRITICAL"), out.toString());
    }

    @Test
    void nagiosIsCriticalWhenTheProvidersImapServerNeverAnswers() throws IOException {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                List<java.net.Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never a greeting
                    }
                } catch (IOException closed) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing a test socket
                        }
                    });
                }
            }, "silent-imap");
            accept.setDaemon(true);
            accept.start();
            List<String> args = flags("--output", "nagios");
            args.set(args.indexOf("--imap-port") + 1, Integer.toString(silent.getLocalPort()));

            int code = run(args.toArray(new String[0]));

            assertEquals(ExitCodes.NAGIOS_CRITICAL, code, out + "" + err);
            assertTrue(out.toString().startsWith("MAILPROBE CRITICAL") && out.toString().contains("imap "),
                    out.toString());
        }
    }

    @Test
    void nagiosIsUnknownForAnOptionThePluginDoesNotKnow() {
        int code = run(flags("--output", "nagios", "--no-such-option").toArray(new String[0]));

        assertEquals(ExitCodes.NAGIOS_UNKNOWN, code, out + "" + err);
        assertTrue(out.toString().startsWith("MAILPROBE UNKNOWN - Unknown option: '--no-such-option'"), out.toString());
    }

    @Test
    void anUnknownOptionIsStillAUsageErrorOutsideNagiosOutput() {
        assertEquals(ExitCodes.USAGE, run(flags("--no-such-option").toArray(new String[0])));
    }

    @Test
    void nagiosIsUnknownForThePluginsOwnBadArguments() {
        List<String> args = flags("--output", "nagios", "--warning", "soon");

        int code = run(args.toArray(new String[0]));

        assertEquals(ExitCodes.NAGIOS_UNKNOWN, code, out + "" + err);
        assertTrue(out.toString().startsWith("MAILPROBE UNKNOWN"), out.toString());
    }

    @Test
    void bothConfigAndFlagsIsAUsageError() {
        List<String> args = flags();
        args.addAll(List.of("--config", "x.yml", "--route", "r"));

        assertEquals(ExitCodes.USAGE, run(args.toArray(new String[0])));
        assertTrue(err.toString().contains("either --config and --route"), err.toString());
    }

    @Test
    void receiveLegByHandDeliversAsASourceMtaAndShowsEachTimestampsOrigin() {
        int code = run("probe", "--leg", "receive", "--mx-host", "localhost", "--mx-port",
                Integer.toString(provider.smtp().port()), "--from", "agent@probe.test", "--to", TestProvider.USER,
                "--watch-user", TestProvider.USER, "--watch-password-file", passwordFile.toString(),
                "--imap-host", "localhost", "--imap-port", Integer.toString(provider.imaps().port()),
                "--ca-file", TestCa.get().caPem().toString(), "--timeout", "30s");

        String text = out.toString();
        assertEquals(ExitCodes.OK, code, text + err);
        for (String expected : new String[] {"(receive), deliver to localhost:" + provider.smtp().port(),
            "STARTTLS if offered", "accepted: \"250", "(agent clock; delays start here)", "seen by imap",
            "Received chain, oldest first (server clocks, evidence only)", "result: SUCCESS"}) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
        }
        assertFalse(text.contains("auth "), "a source MTA does not log in:\n" + text);
    }

    @Test
    void sendLegByHandRunsTheSinkAndTimesTheProvidersDelivery() throws Exception {
        int sinkPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            sinkPort = free.getLocalPort();
        }
        try (org.mailprobe.probes.testing.HoldingRelay relay = new org.mailprobe.probes.testing.HoldingRelay(sinkPort,
                token -> java.time.Duration.ofMillis(300))) {
            int code = run("probe", "--leg", "send", "--smtp-host", "localhost", "--smtp-port",
                    Integer.toString(relay.port()), "--smtp-tls", "plain", "--insecure-plain-auth", "--user", TestProvider.USER,
                    "--password-file", passwordFile.toString(), "--to-address", "probe@sink.test",
                    "--sink-listen", "127.0.0.1:" + sinkPort, "--timeout", "30s", "--output", "text");

            String text = out.toString();
            assertEquals(ExitCodes.OK, code, text + err);
            for (String expected : new String[] {"(send), submit via localhost:" + relay.port(),
                "provider connected to the sink from 127.0.0.1", "provider said MAIL FROM at the sink: send delay",
                "message complete at the sink (end of DATA)", "by relay.test", "result: SUCCESS"}) {
                assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
            }
        }
    }

    @Test
    void plainSubmissionWithAPasswordIsRefusedWithoutInsecurePlainAuth() {
        List<String> args = flags();
        args.remove("--insecure-plain-auth");

        assertEquals(ExitCodes.USAGE, run(args.toArray(new String[0])));
        assertTrue(err.toString().contains("--smtp-tls plain would send the password in clear; use starttls or "
                + "implicit, or add --insecure-plain-auth (lab only)"), err.toString());
        assertEquals(0, provider.greenMail().getReceivedMessages().length);
    }

    @Test
    void plainHttpWebmailAllowedByItsOwnFlagIsNotRefusedAsPlainPop3() {
        // The receive leg logs in nowhere but the mailboxes: IMAP over TLS, webmail over http by its flag.
        int code = run("probe", "--leg", "receive", "--mx-host", "localhost", "--mx-port",
                Integer.toString(provider.smtp().port()), "--from", "agent@probe.test", "--to", TestProvider.USER,
                "--watch-user", TestProvider.USER, "--watch-password-file", passwordFile.toString(),
                "--imap-host", "localhost", "--imap-port", Integer.toString(provider.imaps().port()),
                "--ca-file", TestCa.get().caPem().toString(), "--webmail-url", "http://127.0.0.1:1/",
                "--webmail-insecure-plain-http", "--timeout", "5s");

        assertFalse(err.toString().contains("would send the password in clear"), err.toString());
        assertNotEquals(ExitCodes.USAGE, code, err.toString());
    }

    @Test
    void plainImapWithAPasswordIsRefusedWithoutInsecurePlainAuth() {
        List<String> args = flags("--imap-tls", "plain");
        args.remove("--insecure-plain-auth");
        args.set(args.indexOf("--smtp-tls") + 1, "starttls");
        args.set(args.indexOf("--imap-port") + 1, Integer.toString(provider.imap().port()));

        assertEquals(ExitCodes.USAGE, run(args.toArray(new String[0])));
        assertTrue(err.toString().contains("--imap-tls plain would send the password in clear; use starttls or "
                + "implicit, or add --insecure-plain-auth (lab only)"), err.toString());
    }

    @Test
    void sendLegWithoutASinkIsAUsageErrorThatSaysWhatToGive() {
        int code = run("probe", "--leg", "send", "--smtp-host", "localhost", "--user", TestProvider.USER,
                "--password-file", passwordFile.toString(), "--to-address", "probe@sink.test");

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("--sink-listen HOST:PORT (run the sink here) or --sink-remote URL"),
                err.toString());
    }

    @Test
    void aRemoteSinkOverPlainHttpIsAUsageError() {
        int code = run("probe", "--leg", "send", "--smtp-host", "localhost", "--user", TestProvider.USER,
                "--password-file", passwordFile.toString(), "--to-address", "probe@sink.test", "--sink-remote",
                "http://sink.example.net:9321");

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("--sink-remote: 'http://sink.example.net:9321' is not https"),
                err.toString());
    }

    @Test
    void helpDocumentsEveryFlag() {
        assertEquals(0, run("probe", "--help"));
        String help = out.toString();
        for (String flag : new String[] {"--config", "--route", "--smtp-host", "--smtp-tls", "--password-env",
            "--password-file", "--imap-host", "--pop3-host", "--ca-file", "--insecure-skip-verify", "--timeout",
            "--output", "--warning", "--critical", "--leg", "--to-address", "--sink-listen", "--sink-remote",
            "--mx-host", "--starttls", "--insecure-plain-auth"}) {
            assertTrue(help.contains(flag), flag + " missing from:\n" + help);
        }
    }
}
