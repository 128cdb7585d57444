package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.config.Durations;
import org.mailprobe.agent.config.FilterRouteConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.probes.ProbeClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Loads and validates a config exactly as {@code run} would, and says what it found. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Validate a config file (the same loader as `run`) and exit: 0 if valid, 2 if not.",
            "With --fetch-token, also fetch one token per OAuth 2.0 account: 1 if any fails."})
final class CheckConfigCommand implements Callable<Integer> {
    /** Clause 4: no message over one hour. */
    static final java.time.Duration CONTRACT_MAXIMUM = java.time.Duration.ofHours(1);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
    Path config;

    @Option(names = "--fetch-token", description = "Also fetch one OAuth 2.0 token per oauth2 account to prove its "
            + "credentials (the token is never printed); exit 1 if any fails.")
    boolean fetchToken;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws ConfigException {
        ProbeClock clock = ProbeClock.system();
        AgentConfig loaded = ConfigLoader.load(config, clock);
        java.util.List<RouteConfig> routes = loaded.routes();
        java.util.Map<String, Integer> indexes = loaded.filterRoutes().isEmpty() ? java.util.Map.of()
                : ConfigLoader.routeIndexes(config);
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            if (r.timeout().compareTo(CONTRACT_MAXIMUM) < 0) {
                // Valid, but a probe lost at a shorter timeout proves nothing about clause 4's hour.
                spec.commandLine().getOut().printf("WARNING: %s: routes[%d].timeout: %s (route %s) is under the "
                        + "contract's one hour: a probe lost at it is reported as lost within a timeout shorter than "
                        + "1 h, not as a message over 1 h, unless it arrives late%n", config,
                        indexes.getOrDefault(r.name(), i),
                        Durations.format(r.timeout()), r.name());
            }
        }
        spec.commandLine().getOut().printf("%s: valid: agent %s at site %s, %d servers, %d accounts, %d routes%n",
                config, loaded.agent().id(), loaded.agent().site(), loaded.servers().size(), loaded.accounts().size(),
                loaded.routes().size() + loaded.filterRoutes().size());
        for (FilterRouteConfig f : loaded.filterRoutes()) {
            spec.commandLine().getOut().printf("filter route %s: %s%n", f.name(), describe(f));
        }
        if (fetchToken) {
            boolean fetched = TokenCheck.fetchAll(loaded, spec.commandLine().getOut(), clock);
            spec.commandLine().getOut().flush();
            return fetched ? ExitCodes.OK : ExitCodes.FAILURE;
        }
        loaded.closeTokens();
        return ExitCodes.OK;
    }

    /** What a filter route sends, where, and where it looks, in one line. */
    static String describe(FilterRouteConfig f) {
        String samples = String.join(", ", f.variants()) + (f.corpus() != null ? (f.variants().isEmpty() ? "" : ", ")
                + "corpus " + f.corpus() : "");
        String inbound = f.direct().via() != null ? "inbound to " + f.direct().via().name()
                : "inbound to the MX of " + f.to().address().substring(f.to().address().lastIndexOf('@') + 1);
        String outbound = f.submitVia() != null && f.from() != null
                ? ", outbound via " + f.submitVia().name() + " from " + f.from().name() : "";
        return "samples " + samples + " every " + Durations.format(f.interval()) + " to " + f.to().address() + ", "
                + inbound + outbound + "; watching imap " + f.watch().server().name() + " folders "
                + String.join(", ", f.watch().folders()) + ", withheld after " + Durations.format(f.timeout());
    }
}
