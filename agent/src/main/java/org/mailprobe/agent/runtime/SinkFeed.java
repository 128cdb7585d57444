package org.mailprobe.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.mailprobe.probes.SinkDelivery;
import org.mailprobe.probes.TokenSigner;

/**
 * The last deliveries of this agent's sink, for agents elsewhere that send to it ({@code sink:
 * remote:}). Served as JSON at {@code /sink/deliveries?after=SEQ}; each answer carries the sink's
 * clock ({@code now}), so a reader converts the sink's timestamps to its own clock with an error
 * of at most half the request's round trip. Bounded: a reader that falls behind by more than
 * {@link #CAPACITY} deliveries is told so ({@code missed}).
 */
public final class SinkFeed {
    static final int CAPACITY = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Supplier<java.time.Instant> clock;
    private final TokenSigner signer;
    private long lastSeq;

    private record Entry(long seq, SinkDelivery delivery) {}

    public SinkFeed(Supplier<java.time.Instant> clock, TokenSigner signer) {
        this.clock = clock;
        this.signer = signer;
    }

    synchronized void append(SinkDelivery d) {
        entries.addLast(new Entry(++lastSeq, d));
        if (entries.size() > CAPACITY) {
            entries.removeFirst();
        }
    }

    /** The deliveries after {@code after}, as the feed's JSON document. */
    public synchronized String since(long after) {
        ObjectNode root = JSON.createObjectNode();
        root.put("now", clock.get().toString());
        root.put("last_seq", lastSeq);
        long first = entries.isEmpty() ? lastSeq + 1 : entries.peekFirst().seq();
        root.put("missed", after + 1 < first && after < lastSeq);
        ArrayNode list = root.putArray("deliveries");
        for (Entry e : entries) {
            if (e.seq() <= after) {
                continue;
            }
            SinkDelivery d = e.delivery();
            ObjectNode o = list.addObject();
            o.put("seq", e.seq());
            // The signed header value: the reader verifies it under its own key.
            o.put("token", signer.sign(d.token()));
            o.put("peer", d.peer());
            o.put("helo", d.heloName());
            o.put("connected_at", d.connectedAt().toString());
            o.put("mail_from_at", d.mailFromAt().toString());
            o.put("data_completed_at", d.dataCompletedAt().toString());
            o.put("tls", d.tlsProtocol());
            o.put("envelope_from", d.envelopeFrom());
            ArrayNode rcpt = o.putArray("recipients");
            d.recipients().forEach(rcpt::add);
            ArrayNode received = o.putArray("received");
            d.received().forEach(received::add);
        }
        return root.toString();
    }
}
