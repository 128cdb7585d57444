package org.mailprobe.probes.submit;

import java.util.Objects;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;

/**
 * Where and how a {@link SubmissionProbe} submits.
 *
 * @param endpoint the provider's submission service (587 STARTTLS, 465 implicit TLS, 25 plain)
 * @param account the login; null to submit without AUTH (port 25 to an MX)
 * @param tls certificate policy
 * @param timeouts per-operation timeouts
 * @param localHost the name given in EHLO
 */
public record SubmissionSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
        String localHost) {
    public SubmissionSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(localHost, "localHost");
    }
}
