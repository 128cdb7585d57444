package org.mailprobe.agent.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A mail service as the contract sees it: a group of endpoints.
 *
 * @param name the key under {@code services:}; a metric label
 * @param endpoints its endpoints' names, in the file's order
 * @param downWhen whether any or all of its required endpoints must be down for it to be down
 */
public record ServiceConfig(String name, List<String> endpoints, DownWhen downWhen) {
    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(downWhen, "downWhen");
        endpoints = List.copyOf(endpoints);
    }

    /** {@code down_when}. */
    public enum DownWhen {
        ANY,
        ALL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
