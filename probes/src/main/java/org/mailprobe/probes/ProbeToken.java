package org.mailprobe.probes;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a probe message says about itself: which agent sent it, on which route, its sequence number
 * and {@code stampedAt}, the instant written into the token when the message was made, before the
 * SMTP dialogue starts. It is not when the server accepted the message (the 250 after DATA, in
 * the submission result), which every delay starts from. Only meaningful once verified by
 * {@code token.TokenSigner}.
 */
public record ProbeToken(String agentId, String route, long sequence, Instant stampedAt) {
    /** Agent ids and route names: letters, digits, '_' and '-', up to 64 characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    public ProbeToken {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(stampedAt, "stampedAt");
        if (!ID.matcher(agentId).matches()) {
            throw new IllegalArgumentException("agent id '" + agentId + "' must match " + ID.pattern());
        }
        if (!ID.matcher(route).matches()) {
            throw new IllegalArgumentException("route name '" + route + "' must match " + ID.pattern());
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
    }

    /** agent/route/sequence: unique per probe, for logs and in-flight bookkeeping (never a label). */
    public String key() {
        return agentId + "/" + route + "/" + sequence;
    }
}
