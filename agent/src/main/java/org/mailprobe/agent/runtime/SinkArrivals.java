package org.mailprobe.agent.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.SinkDelivery;
import org.mailprobe.probes.SinkListener;
import org.mailprobe.probes.SinkRefusal;
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
    private final AgentMetrics metrics;
    private final SinkFeed feed;

    SinkArrivals(String mailbox, ArrivalListener listener, AgentMetrics metrics, SinkFeed feed) {
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
        listener.onArrival(arrival(d, mailbox, Map.of()));
    }

    @Override
    public void refused(SinkRefusal reason, String peer) {
        if (metrics != null) {
            metrics.recordSinkRefusal(reason.label());
        }
        logger.info("Sink refused a delivery; nothing was stored. reason={} peer={}", reason.label(), peer);
    }

    /** The arrival a sink delivery stands for, with the sink's own timestamps as evidence. */
    static Arrival arrival(SinkDelivery d, String mailbox, Map<String, String> more) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("sink_connected_at", d.connectedAt().toString());
        evidence.put("sink_mail_from_at", d.mailFromAt().toString());
        evidence.put("sink_data_completed_at", d.dataCompletedAt().toString());
        evidence.put("sink_peer", d.peer());
        evidence.put("sink_helo", d.heloName());
        evidence.put("sink_tls", d.tls() ? d.tlsProtocol() : "none");
        evidence.putAll(more);
        return new Arrival(d.token(), AccessPath.SINK, mailbox, d.mailFromAt(), null, d.received(), evidence);
    }
}
