package org.mailprobe.agent.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailprobe.agent.config.MaintenanceWindow;
import org.mailprobe.agent.config.ServiceConfig;
import org.mailprobe.agent.config.ServiceConfig.DownWhen;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;

/** The clause-2 accounting on a clock the test moves by hand, so every figure is exact. */
class StateLedgerTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    Instant now = T0;
    final List<StateChange> changes = new ArrayList<>();

    StateLedger ledger(List<String> controls, List<MaintenanceWindow> windows, DownWhen when, String... endpoints) {
        Map<String, Set<String>> memberOf = new LinkedHashMap<>();
        Map<String, Boolean> required = new LinkedHashMap<>();
        for (String e : endpoints) {
            memberOf.put(e, Set.of("mail"));
            required.put(e, true);
        }
        return new StateLedger(() -> now, memberOf, List.of(new ServiceConfig("mail", List.of(endpoints), when)),
                controls, windows, required, changes::add);
    }

    /** A check of {@code name} starting now and taking {@code took}. */
    void check(StateLedger ledger, String name, boolean passed, Duration took) {
        Instant started = ledger.checkStarted(name);
        now = now.plus(took);
        ledger.checkFinished(name, started, passed, passed ? null : Stage.CONNECT,
                passed ? Reason.NONE : Reason.CONNECT, passed ? "" : "refused");
    }

    /** Checks every 15 s for {@code span}, each taking 20 ms; the endpoint fails from {@code down} to {@code up}. */
    void run(StateLedger ledger, String name, Duration span, Instant down, Instant up, String... alsoFailing) {
        Instant end = now.plus(span);
        while (now.isBefore(end)) {
            Instant tick = now;
            boolean failing = !now.isBefore(down) && now.isBefore(up);
            check(ledger, name, !failing, Duration.ofMillis(20));
            for (String other : alsoFailing) {
                check(ledger, other, !failing, Duration.ofMillis(20));
            }
            now = tick.plusSeconds(15);
            ledger.advance();
        }
    }

    static double seconds(StateLedger ledger, String endpoint, Availability state) {
        return ledger.endpoint(endpoint).seconds(state.label());
    }

    @Test
    void aDownPeriodRunsFromTheFirstFailingCheckToTheFirstPassingOne() {
        StateLedger ledger = ledger(List.of(), List.of(), DownWhen.ANY, "smtp");
        // Fails from the check at 00:01:00 to the one at 00:06:00 (exclusive): 20 checks of 15 s.
        run(ledger, "smtp", Duration.ofMinutes(10), T0.plusSeconds(60), T0.plusSeconds(360));

        assertEquals(300.0, seconds(ledger, "smtp", Availability.DOWN));
        assertEquals(300.0, ledger.service("mail").seconds("down"));
        assertEquals(600.0, seconds(ledger, "smtp", Availability.UP) + seconds(ledger, "smtp", Availability.DOWN));
        assertEquals(0.0, seconds(ledger, "smtp", Availability.UNKNOWN));
    }

    @Test
    void timeIsAccountedContinuouslyUpToTheClockBetweenChecks() {
        StateLedger ledger = ledger(List.of(), List.of(), DownWhen.ANY, "smtp");
        check(ledger, "smtp", true, Duration.ofMillis(20));
        now = now.plusSeconds(7);
        ledger.advance();

        assertEquals(7.02, seconds(ledger, "smtp", Availability.UP), 0.001, "up from the check's start");
        assertEquals(0.0, seconds(ledger, "smtp", Availability.UNKNOWN), 0.001);
    }

    @Test
    void whileACheckRunsTheAccountingWaitsForItsVerdict() {
        StateLedger ledger = ledger(List.of(), List.of(), DownWhen.ANY, "smtp");
        check(ledger, "smtp", true, Duration.ZERO);
        now = now.plusSeconds(15);
        Instant started = ledger.checkStarted("smtp");
        now = now.plusSeconds(10); // a stuck server, up to the deadline
        ledger.advance();
        assertEquals(15.0, seconds(ledger, "smtp", Availability.UP));

        ledger.checkFinished("smtp", started, false, Stage.GREETING, Reason.TIMEOUT, "deadline");
        assertEquals(10.0, seconds(ledger, "smtp", Availability.DOWN), "down from the failing check's start");
    }

    @Test
    void theSameOutageWhileEveryControlTargetFailsIsUnknown() {
        StateLedger ledger = ledger(List.of("ctl"), List.of(), DownWhen.ANY, "smtp");
        run(ledger, "smtp", Duration.ofMinutes(10), T0.plusSeconds(60), T0.plusSeconds(360), "ctl");

        // Only the 20 ms from the endpoint's failing check to the control's, at the outage's start, are down:
        // until a control check fails, nothing says our own side is at fault.
        assertEquals(0.02, seconds(ledger, "smtp", Availability.DOWN), 0.001);
        assertEquals(300.0, seconds(ledger, "smtp", Availability.UNKNOWN), 0.05);
        assertEquals(0.02, ledger.service("mail").seconds("down"), 0.001);
    }

    @Test
    void anOutageInsideAMaintenanceWindowIsExcludedExactlyToItsEdges() {
        // The window covers 00:02:30 to 00:04:00 of a 00:01:00 to 00:06:00 outage.
        MaintenanceWindow window = new MaintenanceWindow.OneOff(T0.plusSeconds(150), T0.plusSeconds(240),
                "provider notice 42", Set.of(), "test");
        StateLedger ledger = ledger(List.of(), List.of(window), DownWhen.ANY, "smtp");
        run(ledger, "smtp", Duration.ofMinutes(10), T0.plusSeconds(60), T0.plusSeconds(360));

        assertEquals(90.0, seconds(ledger, "smtp", Availability.EXCLUDED));
        assertEquals(210.0, seconds(ledger, "smtp", Availability.DOWN));
        assertEquals(90.0, ledger.service("mail").seconds("excluded"));
        assertTrue(changes.stream().anyMatch(c -> c.state() == Availability.EXCLUDED
                && c.time().equals(T0.plusSeconds(150)) && c.detail().contains("provider notice 42")), changes.toString());
    }

    @Test
    void aServiceDownWhenAllIsDownOnlyWhileEveryRequiredEndpointIs() {
        StateLedger ledger = ledger(List.of(), List.of(), DownWhen.ALL, "imap", "pop3");
        check(ledger, "imap", false, Duration.ZERO);
        check(ledger, "pop3", true, Duration.ZERO);
        now = now.plusSeconds(30);
        ledger.advance();
        assertEquals(30.0, ledger.service("mail").seconds("up"));

        check(ledger, "pop3", false, Duration.ZERO);
        now = now.plusSeconds(30);
        ledger.advance();
        assertEquals(30.0, ledger.service("mail").seconds("down"));
        assertEquals("down", ledger.service("mail").current());
    }

    @Test
    void newWindowsApplyFromTheReloadOnAndKeepTheTimeAccounted() {
        StateLedger ledger = ledger(List.of(), List.of(), DownWhen.ANY, "smtp");
        check(ledger, "smtp", false, Duration.ZERO);
        now = now.plusSeconds(60);
        ledger.advance();
        ledger.replaceWindows(List.of(new MaintenanceWindow.OneOff(T0, T0.plusSeconds(3600), "late notice",
                Set.of(), "test")));
        now = now.plusSeconds(60);
        ledger.advance();

        assertEquals(60.0, seconds(ledger, "smtp", Availability.DOWN), "the past is not rewritten");
        assertEquals(60.0, seconds(ledger, "smtp", Availability.EXCLUDED));
    }

    @Test
    void everyStateChangeIsRecordedWithItsTimeStageAndReason() {
        StateLedger ledger = ledger(List.of(), List.of(), DownWhen.ANY, "smtp");
        run(ledger, "smtp", Duration.ofMinutes(2), T0.plusSeconds(30), T0.plusSeconds(60));

        List<String> endpointChanges = changes.stream().filter(c -> c.scope().equals("endpoint"))
                .map(c -> c.time() + " " + c.state().label() + " " + c.stage() + " " + c.reason()).toList();
        assertEquals(List.of("2026-11-01T00:00:00Z unknown  ", "2026-11-01T00:00:00Z up  ",
                "2026-11-01T00:00:30Z down connect connect", "2026-11-01T00:01:00Z up  "), endpointChanges);
    }

    @Test
    void aWeeklyWindowFollowsItsZoneAcrossADaylightSavingChange() {
        MaintenanceWindow.Weekly sunday = new MaintenanceWindow.Weekly(DayOfWeek.SUNDAY, LocalTime.of(2, 30),
                Duration.ofHours(1), ZoneId.of("Europe/Berlin"), "", Set.of(), "test");
        // 2026-10-25 is the last Sunday of October: CEST ends at 03:00, so 02:30 happens twice; the earlier is used.
        assertTrue(sunday.covers(Instant.parse("2026-10-25T00:30:00Z")));
        assertTrue(!sunday.covers(Instant.parse("2026-10-25T01:30:00Z")));
        // A normal winter Sunday: 02:30 CET is 01:30 UTC.
        assertTrue(sunday.covers(Instant.parse("2026-11-01T01:45:00Z")));
        assertEquals(Instant.parse("2026-11-01T02:30:00Z"), sunday.nextBoundaryAfter(Instant.parse("2026-11-01T01:45:00Z")));
        assertEquals(Instant.parse("2026-11-08T01:30:00Z"), sunday.nextBoundaryAfter(Instant.parse("2026-11-01T02:30:00Z")));
    }
}
