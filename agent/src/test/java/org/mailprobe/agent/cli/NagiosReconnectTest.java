package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.runtime.OneShotProbe;
import org.mailprobe.agent.runtime.ProbeFigures;
import org.mailprobe.agent.runtime.ProbeOutcome;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.submit.SubmissionResult;

/** The nagios line says when a path's figure comes from a probe first seen on a reconnect (issue 12). */
class NagiosReconnectTest {
    static final Instant T0 = Instant.parse("2026-11-28T01:11:40Z");

    @Test
    @Timeout(10)
    void aProbeSeenOnAReconnectIsNotedWithItsBlindGapInTheStatusAndThePerfdata() {
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, new ServerEndpoint("mail.example.test", 143,
                TlsMode.STARTTLS), TlsPolicy.verified(), Timeouts.DEFAULT);
        ServerConfig smtp = new ServerConfig("smtp", Protocol.SMTP, new ServerEndpoint("mail.example.test", 587,
                TlsMode.STARTTLS), TlsPolicy.verified(), Timeouts.DEFAULT);
        AccountConfig account = new AccountConfig("probe", "probe@example.test",
                new Account("probe@example.test", Secret.of("x")));
        WatchConfig watch = new WatchConfig(AccessPath.IMAP, imap, account, "INBOX", Duration.ofSeconds(5), true,
                true);
        RouteConfig route = new RouteConfig("r1", Leg.LOOP, account, smtp, account, Duration.ofMinutes(1),
                Duration.ZERO, Duration.ofMinutes(2), List.of(watch));
        ProbeToken token = new ProbeToken("me", "r1", 1, T0);
        SubmissionResult accepted = new SubmissionResult(token, Reason.NONE, null, T0.minusMillis(20), T0,
                Map.of(Stage.DATA, Duration.ofMillis(20)), "250 ok", "");
        MailboxKey key = new MailboxKey(AccessPath.IMAP, "probe@example.test@mail.example.test:143/INBOX");
        Arrival arrival = new Arrival(token, AccessPath.IMAP, key.mailbox(), T0.plusSeconds(28), null, List.of())
                .seenOnReconnect(new Arrival.Blind(T0.minusSeconds(30), T0.plusSeconds(27)));
        Map<MailboxKey, Arrival> arrivals = new LinkedHashMap<>();
        arrivals.put(key, arrival);
        ProbeOutcome outcome = new ProbeOutcome("r1", "loop", accepted, arrivals, Reason.NONE);
        StringWriter out = new StringWriter();

        NagiosLine.print(new OneShotProbe.Report(route, ProbeFigures.of(outcome, route, false), List.of()), Duration.ofSeconds(60),
                Duration.ofSeconds(120), new PrintWriter(out, true));

        String line = out.toString();
        assertTrue(line.contains("imap 27.000s (seen on reconnect, blind 57.0s)"), line);
        assertTrue(line.contains("imap_blind=57.000s;;;0"), line);
    }
}
