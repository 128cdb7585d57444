package org.mailprobe.probes.reachability;

import java.util.Objects;
import java.util.Set;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;

/**
 * What a {@link ReachabilityCheck} checks and how far it goes.
 *
 * @param kind the protocol spoken after connecting
 * @param endpoint host, port and TLS mode ({@link TlsMode#IMPLICIT} is HTTPS for {@link EndpointKind#HTTP})
 * @param tls certificate policy; the host name is verified unless the policy is insecure
 * @param timeouts per connect and per read; the check's deadline applies in addition
 * @param login a probe account to log in with after the greeting; null to stop at the greeting
 * @param httpPath the path of the GET, HTTP only
 * @param httpStatuses the statuses that count as up, HTTP only
 * @param localHost the name given in EHLO
 */
public record ReachabilitySettings(EndpointKind kind, ServerEndpoint endpoint, TlsPolicy tls, Timeouts timeouts,
        Account login, String httpPath, Set<Integer> httpStatuses, String localHost) {
    public ReachabilitySettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(localHost, "localHost");
        httpPath = httpPath == null ? "/" : httpPath;
        httpStatuses = httpStatuses == null ? Set.of(200) : Set.copyOf(httpStatuses);
        if (kind == EndpointKind.HTTP && login != null) {
            throw new IllegalArgumentException("an http check cannot log in");
        }
        if ((kind == EndpointKind.HTTP || kind == EndpointKind.TCP) && endpoint.tlsMode() == TlsMode.STARTTLS) {
            throw new IllegalArgumentException(kind.label() + " has no STARTTLS");
        }
    }
}
