package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.testing.ServiceOutage;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;

class Pop3ReconnectTest extends ReconnectContract {
    @Override
    ArrivalWatcher create(WatchSettings settings) {
        return new Pop3ArrivalWatcher(settings, Watching.SIGNER, recorder, ProbeClock.system());
    }

    @Override
    ServiceOutage outage(TestProvider provider) {
        return ServiceOutage.pop3(provider);
    }

    @Override
    ServerEndpoint endpoint() {
        return provider.pop3();
    }

    @Override
    void assertDatedByWhatIsKnown(Arrival arrival, Instant accepted, Instant delivered) {
        assertNull(arrival.serverTime(), "POP3 has no INTERNALDATE");
        assertEquals(arrival.blind().reconnectedAt(), arrival.arrivedAt(accepted));
    }
}
