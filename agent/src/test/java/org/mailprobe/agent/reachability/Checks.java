package org.mailprobe.agent.reachability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.EndpointConfig;
import org.mailprobe.agent.config.MaintenanceWindow;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.ServiceConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.mailprobe.probes.testing.TestProvider;

/** Reachability set-ups for tests: endpoints on loopback checked every second, with their own registry. */
final class Checks implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Reachability reachability;

    Checks(Path stateDir, Map<String, EndpointConfig> endpoints, Map<String, EndpointConfig> controls,
            List<MaintenanceWindow> windows) throws IOException {
        ReachabilityConfig config = new ReachabilityConfig(stateDir, 8, endpoints,
                Map.of("mail", new ServiceConfig("mail", List.copyOf(endpoints.keySet()), ServiceConfig.DownWhen.ANY)),
                controls, windows, null);
        reachability = new Reachability(config, new AgentMetrics(registry, "test"), ProbeClock.system()::now);
        reachability.start();
    }

    static EndpointConfig endpoint(String name, EndpointKind kind, ServerEndpoint where, int retries, Duration timeout) {
        ReachabilitySettings check = new ReachabilitySettings(kind, where, TestProvider.trusted(), TestProvider.FAST,
                null, "/", Set.of(200), "probe.test");
        return new EndpointConfig(name, check, INTERVAL, timeout, retries, true);
    }

    static EndpointConfig endpoint(String name, EndpointKind kind, ServerEndpoint where) {
        return endpoint(name, kind, where, Defaults.RETRIES, INTERVAL);
    }

    static Map<String, EndpointConfig> named(EndpointConfig... configs) {
        Map<String, EndpointConfig> map = new LinkedHashMap<>();
        for (EndpointConfig c : configs) {
            map.put(c.name(), c);
        }
        return map;
    }

    String state(String endpoint) {
        return reachability.ledger().endpoint(endpoint).current();
    }

    double seconds(String endpoint, Availability state) {
        reachability.ledger().advance();
        return reachability.ledger().endpoint(endpoint).seconds(state.label());
    }

    /** Polls {@code done} every 50 ms until it holds; false if {@code within} passes first. */
    static boolean await(Duration within, BooleanSupplier done) throws InterruptedException {
        Instant until = Instant.now().plus(within);
        while (Instant.now().isBefore(until)) {
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return done.getAsBoolean();
    }

    @Override
    public void close() {
        reachability.close();
        registry.close();
    }
}
