package org.mailprobe.agent.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Contract clause 2: the endpoints to check, how they group into services, the control targets
 * that tell our own network's faults from the provider's, and the announced maintenance.
 *
 * @param stateDir where the state-change file is written; null when there are no endpoints
 * @param threads how many checks may run at once
 * @param endpoints by name, in the file's order
 * @param services by name, in the file's order
 * @param controls by name, in the file's order
 * @param maintenance from the config and from {@code maintenanceFile}
 * @param maintenanceFile the separate maintenance file, or null
 */
public record ReachabilityConfig(@Nullable Path stateDir, int threads, Map<String, EndpointConfig> endpoints,
        Map<String, ServiceConfig> services, Map<String, EndpointConfig> controls, List<MaintenanceWindow> maintenance,
        @Nullable Path maintenanceFile) {
    public static final ReachabilityConfig NONE =
            new ReachabilityConfig(null, Defaults.REACHABILITY_THREADS, Map.of(), Map.of(), Map.of(), List.of(), null);

    public ReachabilityConfig {
        endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        controls = Collections.unmodifiableMap(new LinkedHashMap<>(controls));
        maintenance = List.copyOf(maintenance);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    public boolean isEmpty() {
        return endpoints.isEmpty();
    }
}
