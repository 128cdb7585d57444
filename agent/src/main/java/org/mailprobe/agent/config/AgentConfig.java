package org.mailprobe.agent.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A whole, validated agent configuration.
 *
 * @param source the file it was loaded from; null when built without one (the {@code probe} command)
 * @param agent who this agent is
 * @param servers by name, in the file's order
 * @param accounts by name, in the file's order
 * @param routes in the file's order
 * @param reachability endpoints, services, control targets and maintenance (clause 2)
 * @param journal the evidence journal; null if none is configured
 * @param sink the agent's own SMTP receiver for send routes; null if none is configured
 * @param filterRoutes the {@code kind: filter} routes (clause 6), in the file's order; their names
 *     differ from every route's
 */
public record AgentConfig(@Nullable Path source, AgentIdentity agent, Map<String, ServerConfig> servers,
        Map<String, AccountConfig> accounts, List<RouteConfig> routes, ReachabilityConfig reachability,
        @Nullable JournalConfig journal,
        @Nullable SinkConfig sink, List<FilterRouteConfig> filterRoutes) {
    public AgentConfig {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(reachability, "reachability");
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        accounts = Collections.unmodifiableMap(new LinkedHashMap<>(accounts));
        routes = List.copyOf(routes);
        filterRoutes = List.copyOf(filterRoutes);
    }

    /** A config without filter routes. */
    public AgentConfig(@Nullable Path source, AgentIdentity agent, Map<String, ServerConfig> servers,
            Map<String, AccountConfig> accounts, List<RouteConfig> routes, ReachabilityConfig reachability,
            @Nullable JournalConfig journal, @Nullable SinkConfig sink) {
        this(source, agent, servers, accounts, routes, reachability, journal, sink, List.of());
    }

    /**
     * Closes the OAuth 2.0 tokens of every account (issue 16): at stop, and for a config that a
     * reload read but did not put in force, so that no background refresh outlives its config.
     */
    public void closeTokens() {
        for (AccountConfig account : accounts.values()) {
            if (account.login().oauth() != null) {
                account.login().oauth().tokens().close();
            }
        }
    }

    /** A config without a sink. */
    public AgentConfig(Path source, AgentIdentity agent, Map<String, ServerConfig> servers,
            Map<String, AccountConfig> accounts, List<RouteConfig> routes, ReachabilityConfig reachability,
            JournalConfig journal) {
        this(source, agent, servers, accounts, routes, reachability, journal, null);
    }

    /** A config without a journal. */
    public AgentConfig(Path source, AgentIdentity agent, Map<String, ServerConfig> servers,
            Map<String, AccountConfig> accounts, List<RouteConfig> routes, ReachabilityConfig reachability) {
        this(source, agent, servers, accounts, routes, reachability, null, null);
    }

    /** A config without reachability checks. */
    public AgentConfig(@Nullable Path source, AgentIdentity agent, Map<String, ServerConfig> servers,
            Map<String, AccountConfig> accounts, List<RouteConfig> routes) {
        this(source, agent, servers, accounts, routes, ReachabilityConfig.NONE, null, null);
    }
}
