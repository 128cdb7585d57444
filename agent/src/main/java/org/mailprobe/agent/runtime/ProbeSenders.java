package org.mailprobe.agent.runtime;

import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.probes.SubmissionProbe;
import org.mailprobe.probes.SubmissionSettings;
import org.mailprobe.probes.TokenSigner;

/** The {@link ProbeSender} each route kind uses. */
final class ProbeSenders {
    private ProbeSenders() {}

    static ProbeSender forRoute(RouteConfig route, String localHost, TokenSigner signer) {
        switch (route.kind()) {
            case LOOP:
            case SEND:
                SubmissionProbe submission = new SubmissionProbe(new SubmissionSettings(route.submitVia().endpoint(),
                        route.from().login(), route.submitVia().tls(), route.submitVia().timeouts(), localHost), signer);
                return submission::submit;
            case RECEIVE:
            default:
                throw new IllegalArgumentException("no sender for " + route.kind().label() + " routes yet");
        }
    }
}
