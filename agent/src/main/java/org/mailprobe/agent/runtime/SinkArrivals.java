package org.mailprobe.agent.runtime;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.sink.SinkListener;
import org.mailprobe.probes.sink.SinkRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the sink receives into arrivals on path {@code sink}: the moment the provider began
 * delivering (its MAIL FROM) is the arrival time, so the send delay is MAIL FROM minus the
 * submission's 250, both on this agent's clock. Every delivery also goes to the feed, for agents
 * that use this sink remotely.
 */
final class SinkArrivals implements SinkListener {
    private static final Logger logger = LoggerFactory.getLogger(SinkArrivals.class);

    private final String mailbox;
    private final ArrivalListener listener;
    private final @Nullable AgentMetrics metrics;
    private final SinkFeed feed;

    SinkArrivals(String mailbox, ArrivalListener listener, @Nullable AgentMetrics metrics, SinkFeed feed) {
        this.mailbox = mailbox;
        this.listener = listener;
        this.metrics = metrics;
        this.feed = feed;
    }

    @Override
    public void delivered(SinkDelivery d) {
        if (metrics != null) {
            metrics.recordSinkDelivery();
        }
        if (feed != null) {
            feed.append(d);
        }
        logger.debug("Sink received a probe. probe={} peer={} tls={}", d.token().key(), d.peer(), d.tlsProtocol());
        listener.onArrival(d.arrival(mailbox, Map.of()));
    }

    @Override
    public void refused(SinkRefusal reason, String peer) {
        if (metrics != null) {
            metrics.recordSinkRefusal(reason.label());
        }
        logger.info("Sink refused a delivery; nothing was stored. reason={} peer={}", reason.label(), peer);
    }
}
