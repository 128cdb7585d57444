package org.mailprobe.probes.sink;

import static org.mailprobe.probes.sink.ProbeSinkTest.SIGNER;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.mailprobe.probes.ProbeClock;

/** A sink under test that records what it delivered and what it refused, closed after each test. */
abstract class RecordingSinkFixture {
    final List<SinkDelivery> deliveries = new CopyOnWriteArrayList<>();
    final List<SinkRefusal> refusals = new CopyOnWriteArrayList<>();
    ProbeSink sink;

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
        }
    }

    void start(SinkSettings settings) throws IOException {
        sink = new ProbeSink(settings, SIGNER, new SinkListener() {
            @Override
            public void delivered(SinkDelivery delivery) {
                deliveries.add(delivery);
            }

            @Override
            public void refused(SinkRefusal reason, String peer) {
                refusals.add(reason);
            }
        }, ProbeClock.system());
        sink.start();
    }
}
