package org.mailprobe.agent.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.MaintenanceWindow;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.testing.TestProvider;

/**
 * One real outage of a GreenMail provider, stopped for a known time and started again, watched at
 * once by three agents' checks (1 s interval): one plain, one whose control target fails with the
 * provider, one inside a maintenance window. Each must account the outage its own way, within one
 * check interval.
 */
@Timeout(60)
class OutageAccountingTest {
    static final Duration OUTAGE = Duration.ofSeconds(3);
    static final double INTERVAL = Checks.INTERVAL.toMillis() / 1000.0;
    /**
     * How late the first passing check may start on a loaded machine, beyond its interval (docs/REACHABILITY.md,
     * "When a down period starts and ends"): small against a missed check, a whole interval.
     */
    static final double LATENESS = 0.25;

    static TestProvider provider;
    static Checks plain;
    static Checks withControl;
    static Checks inWindow;
    static Path stateDir;
    /** The outage lasted at least this (servers certainly gone to certainly back) ... */
    static double shortest;
    /** ... and at most this (from before the stop to after the start). */
    static double longest;
    /** Unknown time of the agent with a control before the outage (its first moments, before its first check). */
    static double unknownBefore;

    @BeforeAll
    static void outage() throws Exception {
        provider = new TestProvider();
        stateDir = Files.createTempDirectory("mailprobe-outage");
        plain = new Checks(stateDir.resolve("plain"),
                Checks.named(Checks.endpoint("submission", EndpointKind.SMTP, provider.smtps())), Map.of(), List.of());
        // The control target sits at the same provider here, so it fails exactly when the endpoint does,
        // as a control outside the provider would when our own line is down.
        withControl = new Checks(stateDir.resolve("control"),
                Checks.named(Checks.endpoint("submission", EndpointKind.SMTP, provider.smtps())),
                Checks.named(Checks.endpoint("ctl", EndpointKind.TCP, provider.pop3())), List.of());
        Instant now = Instant.now();
        inWindow = new Checks(stateDir.resolve("window"),
                Checks.named(Checks.endpoint("submission", EndpointKind.SMTP, provider.smtps())), Map.of(),
                List.of(new MaintenanceWindow.OneOff(now, now.plus(Duration.ofHours(1)), "notice 7", Set.of(), "test")));
        for (Checks c : List.of(plain, withControl, inWindow)) {
            assertTrue(Checks.await(Duration.ofSeconds(10), () -> !c.state("submission").equals("unknown")),
                    "first check");
        }

        unknownBefore = withControl.seconds("submission", Availability.UNKNOWN);
        Instant beforeStop = Instant.now();
        provider.stopServers();
        Instant stopped = Instant.now();
        Thread.sleep(OUTAGE.toMillis()); // the outage itself, not a wait for a result
        Instant beforeStart = Instant.now();
        provider.startOnSamePorts();
        Instant started = Instant.now();
        shortest = Duration.between(stopped, beforeStart).toMillis() / 1000.0;
        longest = Duration.between(beforeStop, started).toMillis() / 1000.0;

        assertTrue(Checks.await(Duration.ofSeconds(10), () -> plain.state("submission").equals("up")
                && withControl.state("submission").equals("up")), "back up");
    }

    @AfterAll
    static void stop() {
        for (Checks c : new Checks[] {plain, withControl, inWindow}) {
            if (c != null) {
                c.close();
            }
        }
        provider.close();
    }

    @Test
    void aStoppedProviderIsDownForTheOutageWithinOneInterval() {
        double down = plain.seconds("submission", Availability.DOWN);

        assertTrue(down >= shortest - INTERVAL && down <= longest + INTERVAL + LATENESS,
                "down " + down + " s for an outage of " + shortest + " to " + longest + " s");
        double unknown = plain.seconds("submission", Availability.UNKNOWN);
        assertTrue(unknown <= INTERVAL + 0.5, "unknown only before the first check: " + unknown + " s");
    }

    @Test
    void theSameOutageWhileTheControlTargetFailsIsUnknown() {
        double unknown = withControl.seconds("submission", Availability.UNKNOWN) - unknownBefore;
        double down = withControl.seconds("submission", Availability.DOWN);

        assertTrue(unknown >= shortest - 2 * INTERVAL && unknown <= longest + INTERVAL + LATENESS,
                "unknown " + unknown + " s for an outage of " + shortest + " to " + longest + " s");
        // Until the control's own check fails (within its interval), nothing says the fault is ours.
        assertTrue(down <= INTERVAL, "down " + down + " s");
    }

    @Test
    void theSameOutageInsideAMaintenanceWindowIsExcluded() {
        assertEquals(0.0, inWindow.seconds("submission", Availability.DOWN));
        assertTrue(inWindow.seconds("submission", Availability.EXCLUDED) >= shortest);
    }

    @Test
    void theStateFileListsTheOutageWithItsStageAndReason() throws Exception {
        List<String> lines = Files.readAllLines(stateDir.resolve("plain").resolve(StateFile.NAME));

        assertTrue(lines.stream().anyMatch(l -> l.contains("\"scope\":\"endpoint\"") && l.contains("\"state\":\"down\"")
                && l.contains("\"stage\":\"connect\"") && l.contains("\"reason\":\"connect\"")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"scope\":\"service\"") && l.contains("\"previous\":\"down\"")
                && l.contains("\"state\":\"up\"")), lines.toString());
    }

    @Test
    void theCountersAreExportedPerState() {
        String page = plain.registry.scrape();

        for (String state : new String[] {"up", "down", "excluded", "unknown"}) {
            assertTrue(page.contains("mailprobe_endpoint_state_seconds_total{endpoint=\"submission\",kind=\"smtp\",state=\""
                    + state + "\"}"), page);
            assertTrue(page.contains("mailprobe_service_state_seconds_total{service=\"mail\",state=\"" + state + "\"}"),
                    page);
        }
        assertTrue(page.contains("mailprobe_endpoint_state{endpoint=\"submission\",kind=\"smtp\",state=\"up\"} 1.0"), page);
        assertTrue(page.contains("mailprobe_reachability_stage_seconds_count{endpoint=\"submission\",stage=\"tls\"}"), page);
        double daysLeft = (org.mailprobe.agent.runtime.Scrapes.value(page, "mailprobe_tls_certificate_expiry_timestamp_seconds",
                "endpoint=\"submission\"") - System.currentTimeMillis() / 1000.0) / 86_400;
        assertTrue(daysLeft > 3000 && daysLeft <= 3650, daysLeft + " days left:\n" + page); // the test CA issues for 3650 days
    }

}
