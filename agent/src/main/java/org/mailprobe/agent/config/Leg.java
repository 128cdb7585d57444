package org.mailprobe.agent.config;

import java.util.Locale;

/**
 * What a route measures (docs/DESIGN.md section 2): its leg, the {@code leg} label of its figures in
 * the metrics and the journal. A route's YAML names it {@code kind}.
 * <ul>
 *   <li>{@code loop}: submit through the provider to a mailbox at the provider, watch it arrive;
 *   <li>{@code send}: submit through the provider to the agent's own SMTP sink (clause 4's send
 *       delay, measured), or to an external mailbox whose Received headers give an estimate;
 *   <li>{@code receive}: deliver as a source MTA straight to the provider's MX, watch it arrive
 *       (clause 4's receive delay).
 * </ul>
 */
public enum Leg {
    LOOP,
    SEND,
    RECEIVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
