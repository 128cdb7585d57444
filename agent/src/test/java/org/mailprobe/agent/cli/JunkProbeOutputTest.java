package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.DirectDeliveryConfig;
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
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.submit.SubmissionResult;

/** The one-shot's text and nagios outputs of a receive probe its IMAP watch saw only in Junk (issue 14). */
@Timeout(30)
class JunkProbeOutputTest {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    static OneShotProbe.Report seenIn(String folder, boolean junk) {
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, new ServerEndpoint("imap.provider.test", 993,
                TlsMode.IMPLICIT), TlsPolicy.verified(), Timeouts.DEFAULT);
        AccountConfig bob = new AccountConfig("bob", "bob@provider.test",
                new Account("bob@provider.test", Secret.of("pw")));
        WatchConfig watch = new WatchConfig(AccessPath.IMAP, imap, bob, "INBOX", Duration.ofSeconds(1), true, true,
                List.of("INBOX", WatchConfig.SPECIAL_USE_JUNK), List.of(), false);
        RouteConfig route = new RouteConfig("receive-bob", Leg.RECEIVE, null, null, bob, Duration.ofMinutes(1),
                Duration.ZERO, Duration.ofHours(1), List.of(watch), "mailprobe@agent.test", bob.address(),
                new DirectDeliveryConfig(null, true, "agent.test", TlsPolicy.verified(), Timeouts.DEFAULT), null);
        ProbeToken token = new ProbeToken("agent-1", route.name(), 1, T0.minusMillis(40));
        SubmissionResult accepted = new SubmissionResult(token, Reason.NONE, null, T0.minusMillis(30), T0, Map.of(),
                "250 2.0.0 Ok: queued", "");
        MailboxKey key = watch.mailboxKey();
        Arrival arrival = new Arrival(token, AccessPath.IMAP, key.mailbox(), T0.plusMillis(800), null, List.of())
                .inFolder(folder, junk);
        ProbeFigures figures = ProbeFigures.of(new ProbeOutcome(route.name(), "receive", accepted,
                Map.of(key, arrival), Reason.NONE), route, false);
        return new OneShotProbe.Report(route, figures, List.of());
    }

    @Test
    void textTimelineSaysAProbeOnlyInJunkWasNotDelivered() {
        String text = TextTimeline.render(seenIn("Junk", true));

        assertTrue(text.contains("folder: Junk (Junk: NOT delivered to the user's view, counted like lost)"), text);
        assertTrue(text.contains("result: FAILURE (junk)"), text);
    }

    @Test
    void textTimelineSaysTheInboxOfAWatchOfSeveralFolders() {
        String text = TextTimeline.render(seenIn("INBOX", false));

        assertTrue(text.contains("folder: INBOX\n"), text);
        assertTrue(text.contains("result: SUCCESS"), text);
    }

    @Test
    void nagiosLineIsCriticalForAProbeOnlyInJunk() {
        StringWriter out = new StringWriter();

        int code = NagiosLine.print(seenIn("Junk", true), Duration.ofMinutes(1), Duration.ofMinutes(5),
                new PrintWriter(out, true));

        assertEquals(ExitCodes.NAGIOS_CRITICAL, code);
        assertTrue(out.toString().contains("imap only in Junk"), out.toString());
    }
}
