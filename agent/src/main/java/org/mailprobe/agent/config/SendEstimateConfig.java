package org.mailprobe.agent.config;

import java.util.List;

/**
 * A {@code send} route to an external mailbox (no sink reachable): the send delay is estimated
 * from the arrived message's Received headers.
 *
 * @param providerHosts host names (or domain suffixes starting with '.') of the provider's
 *     servers, as they write themselves in the {@code by} clause of a Received header
 */
public record SendEstimateConfig(List<String> providerHosts) {
    public SendEstimateConfig {
        providerHosts = List.copyOf(providerHosts);
        if (providerHosts.isEmpty()) {
            throw new IllegalArgumentException("name at least one of the provider's hosts");
        }
    }

    /** True if {@code by}, a Received header's host, is one of the provider's. */
    public boolean isProviderHost(String by) {
        if (by == null) {
            return false;
        }
        String host = by.toLowerCase(java.util.Locale.ROOT);
        for (String p : providerHosts) {
            String pattern = p.toLowerCase(java.util.Locale.ROOT);
            if (pattern.startsWith(".") ? host.endsWith(pattern) || host.equals(pattern.substring(1))
                    : host.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
