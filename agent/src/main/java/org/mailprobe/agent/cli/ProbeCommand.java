package org.mailprobe.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.config.Durations;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.runtime.OneShotProbe;
import org.mailprobe.probes.ProbeClock;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One probe by hand, then exit: from a config's route, or from flags with no config at all. */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send one probe, watch it arrive, print what happened and exit.",
            "Either --config FILE --route NAME, or the server flags below (no config file needed).",
            "Passwords come from --password-env or --password-file, never from the command line.",
            "OAuth 2.0 instead of a password: --oauth2-grant and the --oauth2-* options (secrets from files or "
                    + "variables too).",
            "Exit codes: text/json 0 success, 1 failure, 2 usage; nagios 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."})
final class ProbeCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, heading = "%nFrom a config file:%n")
    @Nullable FromConfig fromConfig;

    @ArgGroup(exclusive = false, heading = "%nWithout a config file:%n")
    @Nullable AdHocRoute adHoc;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Give up on arrival after this long (default: the route's timeout; 5m from flags).")
    @Nullable String timeout;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (a timeline), json, or nagios (status line, perfdata, plugin exit codes). Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = "--warning", paramLabel = "DURATION", defaultValue = "60s",
            description = "nagios: WARNING when a path's delay is over this (default: ${DEFAULT-VALUE}, the contract's average).")
    String warning;

    @Option(names = "--critical", paramLabel = "DURATION", defaultValue = "1h",
            description = "nagios: CRITICAL when a path's delay is over this (default: ${DEFAULT-VALUE}, the contract's maximum).")
    String critical;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** A test seam around the route's sender (identity in production); see ProbeCommandTest. */
    static volatile java.util.function.UnaryOperator<org.mailprobe.agent.runtime.ProbeSender> senderSeam =
            java.util.function.UnaryOperator.identity();

    static final class FromConfig {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML config.")
        Path config;

        @Option(names = "--route", required = true, paramLabel = "NAME", description = "The route to probe once.")
        String route;
    }

    @Override
    public Integer call() throws Exception {
        ProbeReportFormat format = ProbeReportFormat.parse(output);
        if (format != ProbeReportFormat.NAGIOS) {
            return probe(format);
        }
        try {
            return probe(format);
        } catch (ConfigException | java.io.IOException | RuntimeException e) {
            // The plugin's own failure (bad arguments, config, a bug), not the service's: UNKNOWN.
            spec.commandLine().getOut().println("MAILPROBE UNKNOWN - " + e.getMessage());
            spec.commandLine().getOut().flush();
            return ExitCodes.NAGIOS_UNKNOWN;
        }
    }

    private int probe(ProbeReportFormat format) throws ConfigException, InterruptedException, java.io.IOException {
        Duration warn = Durations.parse(warning);
        Duration crit = Durations.parse(critical);
        if ((fromConfig == null) == (adHoc == null)) {
            throw new IllegalArgumentException(
                    "give either --config and --route, or the server flags (--smtp-host, --user, ...), not both");
        }
        AgentConfig config;
        RouteConfig route;
        // The program's one clock: the config's OAuth token sources and the probe take it.
        ProbeClock clock = ProbeClock.system();
        if (fromConfig != null) {
            FromConfig fromConfig = Objects.requireNonNull(this.fromConfig, "picocli gives one of the two");
            config = ConfigLoader.load(fromConfig.config, clock);
            route = config.routes().stream().filter(r -> r.name().equals(fromConfig.route)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(fromConfig.config + ": no route named '"
                            + fromConfig.route + "'; routes: "
                            + String.join(", ", config.routes().stream().map(RouteConfig::name).toList())));
        } else {
            config = adHoc.toConfig(clock);
            route = config.routes().get(0);
        }
        if (timeout != null || fromConfig == null) {
            route = withTimeout(route, Durations.parse(timeout == null ? AdHocRoute.DEFAULT_TIMEOUT : timeout));
        }
        OneShotProbe.Report report;
        try {
            report = OneShotProbe.run(config, route, senderSeam, clock);
        } finally {
            config.closeTokens();
        }
        PrintWriter out = spec.commandLine().getOut();
        int code = format.print(report, config, warn, crit, out);
        out.flush();
        // Said on stderr too, whatever the output format: a probe left behind needs a person.
        report.cleanupProblems().forEach(p -> spec.commandLine().getErr().println("mailprobe probe: " + p));
        spec.commandLine().getErr().flush();
        return code;
    }

    private static RouteConfig withTimeout(RouteConfig r, Duration timeout) {
        return r.withTimeout(timeout);
    }
}
