package org.mailprobe.agent.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Who this agent is.
 *
 * @param id the agent's id, in every probe token; matches {@link ProbeToken#ID}
 * @param site where the agent runs, a label on every metric; matches {@link ProbeToken#ID}
 * @param signer signs and verifies probe tokens with the agent's key (its toString hides the key)
 * @param hostname the name given in EHLO/HELO and to other servers
 */
public record AgentIdentity(String id, String site, TokenSigner signer, String hostname) {
    public AgentIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(hostname, "hostname");
        if (!ProbeToken.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("agent id '" + id + "' must match " + ProbeToken.ID.pattern());
        }
        if (!ProbeToken.ID.matcher(site).matches()) {
            throw new IllegalArgumentException("site '" + site + "' must match " + ProbeToken.ID.pattern());
        }
        if (hostname.isBlank()) {
            throw new IllegalArgumentException("hostname is empty");
        }
    }
}
