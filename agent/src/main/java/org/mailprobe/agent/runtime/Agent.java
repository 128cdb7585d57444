package org.mailprobe.agent.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.agent.metrics.FilterMetrics;
import org.mailprobe.agent.reachability.Reachability;
import org.mailprobe.agent.web.WebConfig;
import org.mailprobe.agent.web.WebServer;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.token.TokenSigner;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running agent: metrics, watchers, in-flight bookkeeping, schedules and the HTTP
 * endpoint, started in that order and stopped in reverse.
 */
public final class Agent implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Agent.class);
    /** How often the journal gets a heartbeat record. */
    static final Duration HEARTBEAT = Duration.ofSeconds(60);

    private final AgentConfig config;
    private final @Nullable Reachability reachability;
    private final Object reloading = new Object();
    private final PrometheusMeterRegistry registry;
    private final AgentMetrics metrics;
    private final InFlightProbes inFlight;
    private final Watchers watchers;
    private final @Nullable AgentSink sink;
    private final ProbeScheduler scheduler;
    private final FilterRoutes filterRoutes;
    private final ScheduledExecutorService sweeper;
    private final WebServer web;
    private final @Nullable Journal journal;
    /** The program's clock: every part that dates or waits is given it here. */
    private final ProbeClock clock;
    private volatile boolean ready;
    private volatile ConfigSource configSource;

    /**
     * Where a reload reads the config from: {@link ConfigLoader#load(java.nio.file.Path, java.time.InstantSource)}
     * with the agent's clock, or a test's.
     */
    @FunctionalInterface
    interface ConfigSource {
        AgentConfig load(java.nio.file.Path file) throws ConfigException;
    }

    public Agent(AgentConfig config, InetSocketAddress listen, Consumer<ProbeFigures> onOutcome, ProbeClock clock)
            throws IOException, SchedulerException {
        this(config, listen, WebConfig.NONE, onOutcome, clock);
    }

    /**
     * With the HTTP endpoint protected as {@code webConfig} says (TLS, basic authentication).
     * {@code clock}: the program's, the one its config was loaded with (its OAuth token sources have it).
     */
    public Agent(AgentConfig config, InetSocketAddress listen, WebConfig webConfig, Consumer<ProbeFigures> onOutcome,
            ProbeClock clock) throws IOException, SchedulerException {
        this(config, listen, webConfig, onOutcome, clock, FilterRouteRunner.Looks.DEFAULT);
    }

    /** With the filter routes looking for their samples as {@code looks} say (tests). */
    Agent(AgentConfig config, InetSocketAddress listen, WebConfig webConfig, Consumer<ProbeFigures> onOutcome,
            ProbeClock clock, FilterRouteRunner.Looks looks) throws IOException, SchedulerException {
        this.clock = clock;
        this.configSource = file -> ConfigLoader.load(file, clock);
        this.config = config;
        String agentId = config.agent().id();
        String localHost = config.agent().hostname();
        TokenSigner signer = config.agent().signer();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(Tags.of("agent", agentId, "site", config.agent().site()));
        metrics = new AgentMetrics(registry, Version.current());
        inFlight = new InFlightProbes(agentId, metrics, figures -> {
            OutcomeLog.log(figures);
            onOutcome.accept(figures);
        }, clock);
        inFlight.routes(config.routes());
        journal = openJournal(config, inFlight, clock);
        watchers = Watchers.of(config, config.routes(), inFlight, new WatcherMetrics(metrics), clock);
        sink = config.sink() == null ? null : new AgentSink(config.sink(), signer, inFlight, metrics,
                AgentSink.replayWindows(config.routes()), clock);
        Map<String, RouteRunner> runners = new LinkedHashMap<>();
        for (RouteConfig route : config.routes()) {
            metrics.registerRoute(route.name(), route.pathLeg().label(),
                    RouteRunner.watchKeys(route, config.sink()).stream().map(MailboxKey::path).distinct().toList());
            metrics.registerSmtpServer(RouteRunner.smtpServer(route));
            for (WatchConfig w : route.watches()) {
                if (w.severalFolders()) {
                    metrics.registerFolders(route.name(), w.path(), w.folderLabels());
                }
            }
            if (route.estimate() != null) {
                metrics.registerEstimate(route.name(), route.leg().label());
            }
            runners.put(route.name(), new RouteRunner(agentId, route,
                    ProbeSenders.forRoute(route, localHost, signer, clock), config.sink(), inFlight, metrics, clock));
        }
        if (!runners.isEmpty()) {
            metrics.registerProbeSchedule();
        }
        scheduler = new ProbeScheduler(runners, metrics);
        filterRoutes = new FilterRoutes(config, new FilterMetrics(registry), metrics, journal, clock, looks);
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailprobe-sweeper");
            t.setDaemon(true);
            return t;
        });
        reachability = config.reachability().isEmpty() ? null
                : new Reachability(config.reachability(), metrics, clock, journal);
        if (reachability != null) {
            reachability.whenPassingAgain(check -> watchers.reconnect(check.kind(), check.endpoint()));
        }
        web = new WebServer(listen, webConfig, registry, () -> ready);
        web.enableReload(this::reload);
        if (sink != null && sink.feed() != null) {
            web.enableSinkFeed(sink.feed());
        }
    }

    /**
     * Opens the evidence journal (issue 7), if configured: recovers it, records this start, and
     * expects again the probes accepted before a restart and not finished then.
     */
    private static @Nullable Journal openJournal(AgentConfig config, InFlightProbes inFlight, ProbeClock clock)
            throws IOException {
        JournalConfig jc = config.journal();
        if (jc == null) {
            logger.warn("No journal configured: probes and outages are measured but no evidence is kept. Add "
                    + "a journal: section with a dir to the config (docs/CONFIG.md).");
            return null;
        }
        Journal j = Journal.open(jc, config.agent().id(), config.agent().site(), clock::now);
        Duration lookBack = Duration.ZERO;
        for (RouteConfig r : config.routes()) {
            lookBack = r.timeout().compareTo(lookBack) > 0 ? r.timeout() : lookBack;
        }
        List<ProbeJournal.Unfinished> unfinished = ProbeJournal.unfinished(j, config.agent().id(), lookBack);
        ObjectNode start = Journal.newRecord();
        start.put("event", "start");
        start.put("version", Version.current());
        start.put("routes", config.routes().size());
        start.put("endpoints", config.reachability().endpoints().size());
        start.put("services", config.reachability().services().size());
        start.put("resumed_probes", unfinished.size());
        start.put("fsync", jc.fsyncEveryRecord() ? "always" : jc.fsyncInterval().toMillis() + "ms");
        j.append("event", start);
        inFlight.journalTo(new ProbeJournal(j));
        inFlight.restore(unfinished);
        logger.info("Journal open. dir={} lastSeq={} resumedProbes={}", jc.dir(), j.lastSeq(), unfinished.size());
        return j;
    }

    /**
     * Re-reads the config file (SIGHUP, {@code POST /-/reload}) and applies its maintenance windows
     * without a restart; the time accounted so far is kept. Other changes (endpoints, services,
     * routes) need a restart and are only reported. A config with problems changes nothing.
     *
     * @return what was applied, a sentence
     * @throws ConfigException the new config's problems; the old config stays in force
     */
    public String reload() throws ConfigException {
        synchronized (reloading) {
            if (config.source() == null) {
                throw new IllegalStateException("this agent was not started from a config file, so there is nothing "
                        + "to reload");
            }
            AgentConfig fresh;
            try {
                fresh = configSource.load(config.source());
            } catch (ConfigException e) {
                metrics.recordReload(false);
                logger.error("Config reload failed; the running config stays in force. file={} problems={}",
                        config.source(), String.valueOf(e.getMessage()).replace('\n', ' '));
                throw e;
            }
            metrics.recordReload(true);
            // Only the maintenance windows are taken from the fresh config; its accounts' tokens are
            // never used, and closing them keeps a later change of this method from leaking them.
            fresh.closeTokens();
            if (journal != null) {
                ObjectNode r = Journal.newRecord();
                r.put("event", "reload");
                r.put("maintenance_windows", fresh.reachability().maintenance().size());
                journal.appendOrLog("event", r);
            }
            String applied = "maintenance windows: " + fresh.reachability().maintenance().size();
            if (reachability != null) {
                reachability.replaceWindows(fresh.reachability().maintenance());
            }
            if (!fresh.reachability().endpoints().keySet().equals(config.reachability().endpoints().keySet())
                    || !fresh.reachability().services().keySet().equals(config.reachability().services().keySet())
                    || !fresh.reachability().controls().keySet().equals(config.reachability().controls().keySet())
                    || fresh.routes().size() != config.routes().size()
                    || !filterNames(fresh).equals(filterNames(config))) {
                applied += "; endpoints, services, controls or routes changed: restart the agent to apply them";
                logger.warn("Config reloaded, but only maintenance windows apply without a restart. file={}",
                        config.source());
            }
            logger.info("Config reloaded. file={} {}", config.source(), applied);
            return "Config reloaded: " + applied + ".";
        }
    }

    private static List<String> filterNames(AgentConfig c) {
        return c.filterRoutes().stream().map(org.mailprobe.agent.config.FilterRouteConfig::name).toList();
    }

    /** The clause-2 checks, or null if the config has no endpoints. */
    public @Nullable Reachability reachability() {
        return reachability;
    }

    public void start() throws SchedulerException {
        web.start();
        if (sink != null) {
            sink.start();
        }
        watchers.start();
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        if (journal != null) {
            // Bounds the evidence of a run that ends without a stop record (kill -9, power cut) to the minute.
            sweeper.scheduleWithFixedDelay(() -> {
                ObjectNode r = Journal.newRecord();
                r.put("in_flight", inFlight.size());
                journal.appendOrLog("heartbeat", r);
            }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        }
        scheduler.start();
        // The filter routes look with their own sessions, so they need not wait for the watchers.
        filterRoutes.start();
        startRoutesOnceWatchersSettle(System.nanoTime());
        if (reachability != null) {
            reachability.start();
        }
        ready = true;
        logger.info("mailprobe agent started. agent={} site={} routes={} watchers={}", config.agent().id(),
                config.agent().site(), config.routes().size(), watchers.all().size());
    }

    /**
     * Schedules the first probes once every watcher has connected or failed once, or
     * {@link Defaults#WATCHERS_READY_WAIT} after the start: 1,000 watchers take seconds to connect,
     * and probes sent meanwhile would be dated by a watcher's first look rather than its push.
     * Looks every 50 ms on the sweeper's thread rather than holding the start.
     */
    private void startRoutesOnceWatchersSettle(long since) {
        int settled = watchers.settled();
        long waited = System.nanoTime() - since;
        if (settled < watchers.size() && waited < Defaults.WATCHERS_READY_WAIT.toNanos()) {
            try {
                sweeper.schedule(() -> startRoutesOnceWatchersSettle(since), 50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                logger.debug("The agent stopped before its watchers were ready; no probe is scheduled.");
            }
            return;
        }
        if (settled < watchers.size()) {
            logger.warn("Not every watcher has connected in time; the probes start anyway. settled={} watchers={} "
                    + "waitedMs={}", settled, watchers.size(), waited / 1_000_000);
        } else if (watchers.size() > 0) {
            logger.info("Every watcher has connected or failed once; the probes start. watchers={} waitedMs={}",
                    watchers.size(), waited / 1_000_000);
        }
        if (scheduler.isStarted()) {
            scheduler.startRoutes(java.time.Instant.now());
        }
    }

    private void sweep() {
        try {
            inFlight.sweep(clock.now());
            watchers.reportHealth();
        } catch (RuntimeException e) {
            logger.error("The in-flight sweep failed; it will run again in a second.", e);
        }
    }

    public WebServer web() {
        return web;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The sink, or null if none is configured. */
    public @Nullable AgentSink sink() {
        return sink;
    }

    /** For tests of this package: reloads read the config through {@code source}. */
    void reloadFrom(ConfigSource source) {
        configSource = source;
    }

    /** The filter routes, for tests of this package. */
    FilterRoutes filterRoutes() {
        return filterRoutes;
    }

    /** The arrival watchers, for tests of this package. */
    Watchers watchers() {
        return watchers;
    }

    /** The metrics as Prometheus would scrape them; also after {@link #close}, when nothing changes them. */
    String metricsText() {
        return registry.scrape();
    }

    public InFlightProbes inFlight() {
        return inFlight;
    }

    @Override
    public void close() {
        ready = false;
        logger.info("mailprobe agent stopping. inFlight={}", inFlight.size());
        scheduler.close();
        filterRoutes.close();
        if (reachability != null) {
            reachability.close();
        }
        sweeper.shutdownNow();
        watchers.close();
        if (sink != null) {
            sink.close();
        }
        web.close();
        // After everything that signs in has stopped: no refresh outlives the agent.
        config.closeTokens();
        if (journal != null) {
            ObjectNode stop = Journal.newRecord();
            stop.put("event", "stop");
            stop.put("in_flight", inFlight.size());
            stop.put("detail", "probes in flight are expected again at the next start");
            journal.appendOrLog("event", stop);
            journal.close();
        }
        registry.close();
    }
}
