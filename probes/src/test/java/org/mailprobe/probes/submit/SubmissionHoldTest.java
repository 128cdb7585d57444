package org.mailprobe.probes.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.testing.TestProvider;

/** The submission's hold before DATA (issue 13): a one-shot probe's watchers connect meanwhile. */
@Timeout(60)
class SubmissionHoldTest {
    /** How long the test's hold lasts: long against a loopback stage, short for a test. */
    static final Duration HOLD = Duration.ofMillis(400);

    TestProvider provider;

    @BeforeEach
    void start() {
        provider = new TestProvider();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    SubmissionResult submit(HoldBeforeData hold) {
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(provider.smtp(), provider.account(),
                TestProvider.trusted(), TestProvider.FAST, "probe.test"), SubmissionProbeTest.SIGNER, ProbeClock.system());
        return probe.submit(TestProvider.USER, TestProvider.USER, SubmissionProbeTest.token(),
                Instant.now().plusSeconds(20), hold);
    }

    /** Waits on the agent clock until {@code d} has passed; returns how long it waited. */
    static Duration waitOut(Duration d) throws InterruptedException {
        Instant from = ProbeClock.system().now();
        Instant until = from.plus(d);
        while (ProbeClock.system().now().isBefore(until)) {
            Thread.sleep(5);
        }
        return Duration.between(from, ProbeClock.system().now());
    }

    @Test
    void noMessageReachesTheServerWhileTheDialogueIsHeld() {
        AtomicInteger receivedDuringHold = new AtomicInteger(-1);

        SubmissionResult result = submit(until -> {
            receivedDuringHold.set(provider.greenMail().getReceivedMessages().length);
            waitOut(HOLD);
            receivedDuringHold.set(Math.max(receivedDuringHold.get(), provider.greenMail().getReceivedMessages().length));
            return true;
        });

        assertTrue(result.succeeded(), result.toString());
        assertEquals(0, receivedDuringHold.get(), "a message reached the server before the hold let DATA go");
        assertEquals(1, provider.greenMail().getReceivedMessages().length);
    }

    @Test
    void theHoldCountsInNoStage() {
        AtomicReference<Duration> held = new AtomicReference<>();

        SubmissionResult result = submit(until -> {
            held.set(waitOut(HOLD));
            return true;
        });

        assertTrue(result.succeeded(), result.toString());
        Duration outsideStages = Duration.between(result.started(), result.accepted()).minus(result.total());
        assertTrue(outsideStages.compareTo(held.get()) >= 0,
                "held " + held.get() + " but only " + outsideStages + " is outside the stages: " + result.stages());
    }

    @Test
    void aHoldGivenUpSendsNothingAndIsATimeoutAfterTheEnvelope() {
        SubmissionResult result = submit(until -> false);

        assertEquals(Reason.TIMEOUT, result.reason(), result.toString());
        assertEquals(Stage.ENVELOPE, result.failedStage());
        assertNull(result.accepted());
        assertEquals(0, provider.greenMail().getReceivedMessages().length);
    }

    @Test
    void theHoldIsGivenItsDeadlineBeforeTheProbes() {
        AtomicReference<Instant> holdUntil = new AtomicReference<>();
        Instant deadline = Instant.now().plusSeconds(20);
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(provider.smtp(), provider.account(),
                TestProvider.trusted(), TestProvider.FAST, "probe.test"), SubmissionProbeTest.SIGNER, ProbeClock.system());

        SubmissionResult result = probe.submit(TestProvider.USER, TestProvider.USER, SubmissionProbeTest.token(),
                deadline, until -> {
                    holdUntil.set(until);
                    return true;
                });

        assertTrue(result.succeeded(), result.toString());
        assertTrue(holdUntil.get().isBefore(deadline), holdUntil.get() + " vs " + deadline);
    }
}
