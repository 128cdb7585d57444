package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.testing.ServiceOutage;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;

class ImapReconnectTest extends ReconnectContract {
    @Override
    ArrivalWatcher create(WatchSettings settings) {
        return new ImapArrivalWatcher(settings, Watching.SIGNER, recorder, ProbeClock.system());
    }

    @Override
    ServiceOutage outage(TestProvider provider) {
        return ServiceOutage.imap(provider);
    }

    @Override
    ServerEndpoint endpoint() {
        return provider.imap();
    }

    @Override
    void assertDatedByWhatIsKnown(Arrival arrival, Instant accepted, Instant delivered) {
        assertNotNull(arrival.serverTime(), "INTERNALDATE");
        assertEquals(delivered.truncatedTo(ChronoUnit.SECONDS), arrival.serverTime());
        assertEquals(arrival.serverTime(), arrival.arrivedAt(accepted));
        assertTrue(arrival.arrivedAt(accepted).isBefore(arrival.seenAt()), "earlier than the sighting");
    }
}
