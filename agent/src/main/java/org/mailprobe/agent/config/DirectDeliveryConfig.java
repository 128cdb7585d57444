package org.mailprobe.agent.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;

/**
 * How a {@code receive} route delivers: as a source MTA, straight to the provider's MX.
 *
 * @param via a configured SMTP server to deliver to (usually port 25); null: look up the MX of the
 *     recipient's domain (RFC 5321 section 5.1)
 * @param requireStartTls true: fail unless the MX offers STARTTLS; false (default): use it when
 *     offered, as MTAs do (RFC 3207)
 * @param helo the name given in EHLO; the agent's hostname by default
 * @param tls certificates trusted when STARTTLS is used
 * @param timeouts connect and read timeouts
 */
public record DirectDeliveryConfig(@Nullable ServerConfig via, boolean requireStartTls, String helo, TlsPolicy tls,
        Timeouts timeouts) {
    public DirectDeliveryConfig {
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
    }
}
