package org.mailprobe.probes.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;

/**
 * A verified probe the sink received. Every instant is on {@link ProbeClock}, the clock of the
 * submission's accepted time, so {@code mailFromAt - accepted} is the send delay (clause 4).
 *
 * @param token the verified token
 * @param peer the delivering server's address, {@code ip:port} (never looked up in DNS)
 * @param heloName what it said in EHLO/HELO; empty if nothing
 * @param connectedAt when its connection was accepted (several messages may share one)
 * @param mailFromAt when this message's MAIL FROM arrived: the provider starts delivering
 * @param dataCompletedAt after the final dot, before our 250
 * @param tlsProtocol the TLS protocol of the connection (e.g. {@code TLSv1.3}); empty in clear
 * @param envelopeFrom the MAIL FROM address; empty for the null sender
 * @param recipients the accepted RCPT TO addresses
 * @param received the message's Received headers, newest first, unfolded: evidence only
 */
public record SinkDelivery(ProbeToken token, String peer, String heloName, Instant connectedAt, Instant mailFromAt,
        Instant dataCompletedAt, String tlsProtocol, String envelopeFrom, List<String> recipients,
        List<String> received) {
    public SinkDelivery {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(connectedAt, "connectedAt");
        Objects.requireNonNull(mailFromAt, "mailFromAt");
        Objects.requireNonNull(dataCompletedAt, "dataCompletedAt");
        heloName = heloName == null ? "" : heloName;
        tlsProtocol = tlsProtocol == null ? "" : tlsProtocol;
        envelopeFrom = envelopeFrom == null ? "" : envelopeFrom;
        recipients = List.copyOf(recipients);
        received = List.copyOf(received);
    }

    public boolean tls() {
        return !tlsProtocol.isEmpty();
    }

    /**
     * This delivery as a sighting on the {@link AccessPath#SINK} path: seen at MAIL FROM (the send
     * delay's end), reported under {@code mailbox}; the connect time, end of DATA, peer, HELO name
     * and TLS protocol as evidence, in that order (instants as ISO-8601), then {@code more}.
     */
    public Arrival arrival(String mailbox, Map<String, String> more) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("sink_connected_at", connectedAt.toString());
        evidence.put("sink_mail_from_at", mailFromAt.toString());
        evidence.put("sink_data_completed_at", dataCompletedAt.toString());
        evidence.put("sink_peer", peer);
        evidence.put("sink_helo", heloName);
        evidence.put("sink_tls", tls() ? tlsProtocol : "none");
        evidence.putAll(more);
        return new Arrival(token, AccessPath.SINK, mailbox, mailFromAt, null, received, evidence);
    }

    /** The send delay of a probe whose submission was accepted at {@code accepted}. */
    public Duration sendDelay(Instant accepted) {
        return Duration.between(accepted, mailFromAt);
    }
}
