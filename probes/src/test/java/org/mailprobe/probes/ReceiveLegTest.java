package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.submit.MxDeliveryProbe;
import org.mailprobe.probes.submit.MxDeliveryResult;
import org.mailprobe.probes.submit.MxDeliverySettings;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;

/**
 * The receive leg end to end on GreenMail: the agent delivers straight to the "MX" (GreenMail's
 * SMTP) and watches the mailbox; each path's receive delay is its sighting minus the MX's 250.
 */
@Timeout(60)
class ReceiveLegTest {
    TestProvider provider;
    List<ArrivalWatcher> watchers;
    final Watching.Recorder recorder = new Watching.Recorder();

    @BeforeEach
    void start() throws Exception {
        provider = new TestProvider();
        watchers = List.of(
                new ImapArrivalWatcher(Watching.settings(provider, provider.imap(), false), Watching.SIGNER, recorder, ProbeClock.system()),
                new Pop3ArrivalWatcher(Watching.settings(provider, provider.pop3(), false), Watching.SIGNER, recorder, ProbeClock.system()));
        watchers.forEach(ArrivalWatcher::start);
        Watching.await("both watchers are up", () -> watchers.stream().allMatch(ArrivalWatcher::healthy));
    }

    @AfterEach
    void stop() {
        watchers.forEach(ArrivalWatcher::close);
        provider.close();
    }

    @Test
    void eachPathMeasuresFromTheMxsAcceptance() throws Exception {
        ProbeToken token = Watching.token(Watching.AGENT);
        MxDeliveryProbe probe = new MxDeliveryProbe(MxDeliverySettings.toHost("localhost", provider.smtp().port(),
                "mta.probe.test").withTls(TestProvider.trusted(), false).withTimeouts(TestProvider.FAST),
                Watching.SIGNER, (domain, deadline) -> List.of(), ProbeClock.system());

        MxDeliveryResult result = probe.deliver("sender@elsewhere.test", TestProvider.USER, token,
                Instant.now().plusSeconds(10));

        assertTrue(result.succeeded(), result.toString());
        Watching.await("both paths see the probe", Duration.ofSeconds(20), () -> recorder.of(token).stream()
                .map(Arrival::path).distinct().count() == 2);
        // GreenMail stores the message before it answers 250, and IDLE can announce it before
        // our thread has read that 250: the delay may be a hair below zero. What cannot happen is
        // a sighting before we began sending the message.
        Instant dataBegan = result.delivery().started();
        for (Map.Entry<Stage, Duration> stage : result.delivery().stages().entrySet()) {
            if (stage.getKey() != Stage.DATA) {
                dataBegan = dataBegan.plus(stage.getValue());
            }
        }
        for (Arrival arrival : recorder.of(token)) {
            Duration receiveDelay = Duration.between(result.accepted(), arrival.seenAt());
            assertFalse(arrival.seenAt().isBefore(dataBegan), arrival.path() + " " + receiveDelay);
        }
        assertEquals(1, provider.greenMail().getReceivedMessages().length);
    }
}
