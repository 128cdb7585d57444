package org.mailprobe.agent.reachability;

import java.io.IOException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.EndpointConfig;
import org.mailprobe.agent.config.MaintenanceWindow;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.ServiceConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contract clause 2 in the agent: the checks, their schedule, the state ledger, the state file and
 * their metrics, started together and stopped together.
 */
public final class Reachability implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Reachability.class);

    private final ReachabilityConfig config;
    private final StateFile stateFile;
    private final StateLedger ledger;
    private final CheckScheduler scheduler;
    private final ScheduledExecutorService ticker;
    /** The probes' clock: it dates the check stages and the up/down seconds, figures both. */
    private final ProbeClock clock;
    private volatile Consumer<ReachabilitySettings> passingAgain = settings -> {};

    public Reachability(ReachabilityConfig config, AgentMetrics metrics, ProbeClock clock) throws IOException {
        this(config, metrics, clock, null);
    }

    /** As above, with every state change and event also recorded in {@code journal} (null: none). */
    public Reachability(ReachabilityConfig config, AgentMetrics metrics, ProbeClock clock,
            org.mailprobe.agent.journal.@Nullable Journal journal) throws IOException {
        this.config = config;
        this.clock = clock;
        stateFile = new StateFile(Objects.requireNonNull(config.stateDir(), "a configured reachability has a state dir"),
                journal);
        stateFile.event(clock.now(), "start", config.endpoints().size() + " endpoints, " + config.services().size()
                + " services, " + config.controls().size() + " controls, " + config.maintenance().size()
                + " maintenance windows");
        Map<String, Set<String>> memberOf = new LinkedHashMap<>();
        Map<String, Boolean> required = new LinkedHashMap<>();
        for (EndpointConfig e : config.endpoints().values()) {
            memberOf.put(e.name(), new LinkedHashSet<>());
            required.put(e.name(), e.required());
        }
        for (ServiceConfig s : config.services().values()) {
            for (String e : s.endpoints()) {
                Objects.requireNonNull(memberOf.get(e)).add(s.name());
            }
        }
        ledger = new StateLedger(clock::now, memberOf, config.services().values(), config.controls().keySet(),
                config.maintenance(), required, stateFile::write);
        scheduler = new CheckScheduler(config.threads());
        metrics.registerReachability();
        for (EndpointConfig e : config.endpoints().values()) {
            metrics.registerEndpoint(e.name(), e.check().kind().label(), stages(e.check()),
                    Objects.requireNonNull(ledger.endpoint(e.name()), "registered above"));
            scheduler.add(new EndpointTask(e, false, ledger, metrics, this::passedAgain, clock));
        }
        for (ServiceConfig s : config.services().values()) {
            metrics.registerService(s.name(), ledger.service(s.name()));
        }
        for (EndpointConfig c : config.controls().values()) {
            metrics.registerControl(c.name());
            scheduler.add(new EndpointTask(c, true, ledger, metrics, this::passedAgain, clock));
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailprobe-state-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        scheduler.start();
        ticker.scheduleAtFixedRate(() -> {
            try {
                ledger.advance();
            } catch (RuntimeException e) {
                logger.error("Advancing the state accounting failed; it will run again in a second.", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        logger.info("Reachability checks started. endpoints={} services={} controls={} windows={} stateFile={}",
                config.endpoints().size(), config.services().size(), config.controls().size(),
                config.maintenance().size(), stateFile.path());
    }

    /**
     * Calls {@code action} with an endpoint's check settings each time its check passes again after
     * failing, on the check's thread (it must be quick): the agent tells that server's watchers to
     * reconnect at once (issue 12). Replaces any earlier action.
     */
    public void whenPassingAgain(Consumer<ReachabilitySettings> action) {
        passingAgain = java.util.Objects.requireNonNull(action, "action");
    }

    private void passedAgain(EndpointConfig endpoint) {
        try {
            passingAgain.accept(endpoint.check());
        } catch (RuntimeException e) {
            logger.warn("Telling the watchers that an endpoint passes again failed. endpoint={}", endpoint.name(), e);
        }
    }

    public StateLedger ledger() {
        return ledger;
    }

    public ReachabilityConfig config() {
        return config;
    }

    /** Applies the maintenance windows of a reloaded config; time accounted so far stays as it was. */
    public void replaceWindows(List<MaintenanceWindow> windows) {
        ledger.replaceWindows(windows);
        stateFile.event(clock.now(), "reload", windows.size() + " maintenance windows");
    }

    private static Set<Stage> stages(ReachabilitySettings s) {
        Set<Stage> stages = EnumSet.of(Stage.DNS, Stage.CONNECT);
        if (s.endpoint().tlsMode() == TlsMode.IMPLICIT) {
            stages.add(Stage.TLS);
        }
        if (s.kind() != EndpointKind.TCP) {
            stages.add(Stage.GREETING);
        }
        if (s.endpoint().tlsMode() == TlsMode.STARTTLS) {
            stages.add(Stage.STARTTLS);
        }
        if (s.login() != null) {
            stages.add(Stage.LOGIN);
        }
        return stages;
    }

    @Override
    public void close() {
        scheduler.close();
        ticker.shutdownNow();
        ledger.advance();
        stateFile.event(clock.now(), "stop", "accounted until " + ledger.horizon());
        stateFile.close();
    }
}
