package org.mailprobe.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.interop.ProbeJar.Run;
import org.mailprobe.probes.testing.Testbed;

/**
 * Clause 4's two legs through the real Postfix of the testbed, by the packaged jar's {@code probe}:
 * the send leg submitted on 587 and relayed by Postfix to the sink the probe runs on the testbed's
 * sink port ({@code sink.test} is routed there); the receive leg delivered by the agent as a source
 * MTA to Postfix on port 25 and seen by IMAP, POP3 and Roundcube. User 3 of the testbed.
 */
@Timeout(300)
class LegsInteropIT {
    static final int USER = 3;
    static Testbed bed;

    @BeforeAll
    static void testbedIsUp() {
        bed = Testbed.load();
    }

    static List<String> sendArgs(String recipient) {
        return new ArrayList<>(List.of("probe", "--leg", "send", "--smtp-host", bed.host(),
                "--smtp-port", bed.get("SUBMISSION_PORT"), "--smtp-tls", "starttls", "--user", bed.user(USER),
                "--password-file", bed.passwordFile(USER).toString(), "--to-address", recipient,
                "--sink-listen", bed.get("SINK_HOST") + ":" + bed.get("SINK_PORT"), "--ca-file",
                bed.caFile().toString(), "--agent-id", "interop", "--timeout", "60s", "--output", "json"));
    }

    static List<String> receiveArgs(String recipient, String... extra) {
        List<String> args = new ArrayList<>(List.of("probe", "--leg", "receive", "--mx-host", bed.host(),
                "--mx-port", bed.get("SMTP_PORT"), "--from", "agent@interop.example", "--to", recipient,
                "--watch-user", bed.user(USER), "--watch-password-file", bed.passwordFile(USER).toString(),
                "--imap-host", bed.host(), "--imap-port", bed.get("IMAPS_PORT"), "--pop3-host", bed.host(),
                "--pop3-port", bed.get("POP3S_PORT"), "--poll-interval", "1s", "--ca-file", bed.caFile().toString(),
                "--agent-id", "interop", "--timeout", "60s", "--output", "json"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void sendLegThroughPostfixIsMeasuredAtTheSinkFromPostfixsMailFrom() throws Exception {
        Run run = ProbeJar.run(sendArgs("probe@" + bed.get("SINK_DOMAIN")));

        assertEquals(0, run.exit(), run.toString());
        JsonNode json = run.json();
        assertEquals("send", json.get("leg").asText(), run.toString());
        assertTrue(json.get("submission").get("stages_seconds").has("starttls"), run.toString());
        JsonNode sink = run.path("sink");
        double delay = sink.get("delay_seconds").asDouble();
        System.out.printf("interop send leg through Postfix: %.3f s%n", delay);
        assertTrue(delay > 0 && delay < 30, run.toString());
        JsonNode evidence = sink.get("evidence");
        // Postfix connected from loopback, named itself, and wrote its Received header: real delivery.
        assertTrue(evidence.get("sink_peer").asText().startsWith("127.0.0.1:"), run.toString());
        assertEquals("mx.mailprobe.test", evidence.get("sink_helo").asText(), run.toString());
        assertTrue(sink.get("received").get(0).asText().contains("(Postfix)"), run.toString());
    }

    @Test
    void sendLegHeldByPostfixIsMeasuredWithTheHold() throws Exception {
        Duration hold = Duration.ofMillis(1500);
        Run run = ProbeJar.run(sendArgs("probe+hold" + hold.toMillis() + "@" + bed.get("SINK_DOMAIN")));

        assertEquals(0, run.exit(), run.toString());
        double delay = run.path("sink").get("delay_seconds").asDouble();
        System.out.printf("interop send leg held %d ms: %.3f s (measured minus held %.0f ms)%n", hold.toMillis(),
                delay, delay * 1000 - hold.toMillis());
        // Postfix answers 250 before it holds the message, so the hold is inside the measured delay.
        assertTrue(delay >= hold.toMillis() / 1000.0, "measured " + delay + " s, less than the hold");
        assertTrue(delay < hold.toMillis() / 1000.0 + 10, "measured " + delay + " s");
    }

    @Test
    void receiveLegIntoPostfixPort25IsSeenOnImapPop3AndRoundcube() throws Exception {
        Run run = ProbeJar.run(receiveArgs(bed.user(USER), "--starttls", "required", "--webmail-url",
                bed.get("ROUNDCUBE_URL"), "--webmail-insecure-plain-http"));

        assertEquals(0, run.exit(), run.toString());
        JsonNode json = run.json();
        assertEquals("receive", json.get("leg").asText(), run.toString());
        JsonNode stages = json.get("submission").get("stages_seconds");
        assertTrue(stages.has("starttls") && !stages.has("auth"), "a source MTA: STARTTLS, no login: " + run);
        for (String path : List.of("imap", "pop3", "webmail")) {
            JsonNode p = run.path(path);
            assertEquals("seen", p.get("result").asText(), run.toString());
            System.out.printf("interop receive leg into Postfix:25, %s: %.3f s%n", path,
                    p.get("delay_seconds").asDouble());
        }
        assertEquals("roundcube", run.path("webmail").get("evidence").get("webmail_driver").asText(), run.toString());
    }

    @Test
    void receiveLegHeldByPostfixIsMeasuredWithTheHold() throws Exception {
        Duration hold = Duration.ofMillis(1500);
        Run run = ProbeJar.run(receiveArgs(bed.held(USER, hold)));

        assertEquals(0, run.exit(), run.toString());
        for (String path : List.of("imap", "pop3")) {
            double delay = run.path(path).get("delay_seconds").asDouble();
            System.out.printf("interop receive leg held %d ms: %s %.3f s (measured minus held %.0f ms)%n",
                    hold.toMillis(), path, delay, delay * 1000 - hold.toMillis());
            assertTrue(delay >= hold.toMillis() / 1000.0, path + " measured " + delay + " s, less than the hold");
            assertTrue(delay < hold.toMillis() / 1000.0 + 10, path + " measured " + delay + " s");
        }
    }
}
