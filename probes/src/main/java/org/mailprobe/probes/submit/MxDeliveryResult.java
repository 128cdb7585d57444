package org.mailprobe.probes.submit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;

/**
 * What one direct delivery did.
 *
 * @param delivery the dialogue with the exchange that answered last: reason, per-stage durations
 *     (stages span every exchange tried), and {@code accepted}, the MX's 250 after DATA on
 *     {@link ProbeClock}, where the receive delay starts
 * @param exchange the host that accepted the message, or the last one tried; empty if the MX
 *     lookup itself failed
 * @param tried every host tried, in order
 * @param tlsProtocol the TLS protocol used with {@code exchange}; empty in clear
 */
public record MxDeliveryResult(SubmissionResult delivery, String exchange, List<String> tried, String tlsProtocol) {
    public MxDeliveryResult {
        Objects.requireNonNull(delivery, "delivery");
        exchange = exchange == null ? "" : exchange;
        tried = List.copyOf(tried);
        tlsProtocol = tlsProtocol == null ? "" : tlsProtocol;
    }

    public boolean succeeded() {
        return delivery.succeeded();
    }

    public Reason reason() {
        return delivery.reason();
    }

    /** The MX's 250 after DATA; null unless successful. */
    public @Nullable Instant accepted() {
        return delivery.accepted();
    }

    public boolean tls() {
        return !tlsProtocol.isEmpty();
    }
}
