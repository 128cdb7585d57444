package org.mailprobe.probes.submit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;

/**
 * Where and how a {@link MxDeliveryProbe} delivers, as a source MTA would.
 *
 * @param domain the recipient domain whose MX is looked up; null when {@code host} is given
 * @param host a configured server to use instead of the MX lookup; null to look up the MX
 * @param port the SMTP port (25 between MTAs)
 * @param requireStartTls fail (reason {@code starttls}) if the server does not offer STARTTLS;
 *     otherwise STARTTLS is used when offered and the delivery goes on in clear when not
 * @param tls certificate policy once STARTTLS is used (verified by default)
 * @param timeouts per-operation timeouts (per MX tried)
 * @param heloName the name given in EHLO
 */
public record MxDeliverySettings(@Nullable String domain, @Nullable String host, int port, boolean requireStartTls, TlsPolicy tls,
        Timeouts timeouts, String heloName) {
    public static final int SMTP_PORT = 25;

    public MxDeliverySettings {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(heloName, "heloName");
        if ((domain == null || domain.isBlank()) && (host == null || host.isBlank())) {
            throw new IllegalArgumentException("give the recipient domain (for its MX) or a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        if (heloName.isBlank()) {
            throw new IllegalArgumentException("heloName is empty");
        }
    }

    /** Deliver to {@code domain}'s MX on port 25, opportunistic STARTTLS, verified TLS, default timeouts. */
    public static MxDeliverySettings toDomain(String domain, String heloName) {
        return new MxDeliverySettings(domain, null, SMTP_PORT, false, TlsPolicy.verified(), Timeouts.DEFAULT,
                heloName);
    }

    /** Deliver to a configured server, opportunistic STARTTLS, verified TLS, default timeouts. */
    public static MxDeliverySettings toHost(String host, int port, String heloName) {
        return new MxDeliverySettings(null, host, port, false, TlsPolicy.verified(), Timeouts.DEFAULT, heloName);
    }

    public MxDeliverySettings withTls(TlsPolicy policy, boolean required) {
        return new MxDeliverySettings(domain, host, port, required, policy, timeouts, heloName);
    }

    public MxDeliverySettings withTimeouts(Timeouts t) {
        return new MxDeliverySettings(domain, host, port, requireStartTls, tls, t, heloName);
    }
}
