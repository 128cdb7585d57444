package org.mailprobe.agent.runtime;

import java.util.Objects;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.submit.MxDeliveryProbe;
import org.mailprobe.probes.submit.MxDeliveryResult;
import org.mailprobe.probes.submit.MxDeliverySettings;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.token.TokenSigner;

/** The {@link ProbeSender} each leg uses. */
final class ProbeSenders {
    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(ProbeSenders.class);

    private ProbeSenders() {}

    static ProbeSender forRoute(RouteConfig route, String localHost, TokenSigner signer, ProbeClock clock) {
        switch (route.leg()) {
            case LOOP:
            case SEND:
                // The config loader gives every loop and send route a sender and a server.
                ServerConfig via = Objects.requireNonNull(route.submitVia(), "submitVia");
                SubmissionProbe submission = new SubmissionProbe(new SubmissionSettings(via.endpoint(),
                        Objects.requireNonNull(route.from(), "from").login(), via.tls(), via.timeouts(), localHost),
                        signer, clock);
                return submission::submit;
            case RECEIVE:
                return direct(route, signer, clock);
            default:
                throw new IllegalArgumentException("no sender for " + route.leg().label() + " routes");
        }
    }

    /** The receive leg: the agent as the source MTA, straight to the provider's MX. */
    private static ProbeSender direct(RouteConfig route, TokenSigner signer, ProbeClock clock) {
        DirectDeliveryConfig d = Objects.requireNonNull(route.direct(), "a receive route has its direct delivery");
        String domain = route.recipient().substring(route.recipient().lastIndexOf('@') + 1);
        MxDeliverySettings settings = (d.via() == null ? MxDeliverySettings.toDomain(domain, d.helo())
                : MxDeliverySettings.toHost(d.via().endpoint().host(), d.via().endpoint().port(), d.helo()))
                .withTls(d.tls(), d.requireStartTls())
                .withTimeouts(d.timeouts());
        MxDeliveryProbe probe = new MxDeliveryProbe(settings, signer, clock);
        return (from, to, token, deadline, hold) -> {
            MxDeliveryResult r = probe.deliver(from, to, token, deadline, hold);
            logger.debug("Direct delivery. route={} exchange={} tried={} tls={} reason={}", route.name(), r.exchange(),
                    r.tried(), r.tls() ? r.tlsProtocol() : "none", r.reason().label());
            return r.delivery();
        };
    }
}
