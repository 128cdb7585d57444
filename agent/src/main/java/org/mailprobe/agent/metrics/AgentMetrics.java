package org.mailprobe.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;

/**
 * Every meter the agent exports, created here and nowhere else. Label values are pre-created for
 * each configured route, so a series exists (at zero) before the first failure and a rate over it
 * is defined. No label ever takes a token, a message id or an address.
 */
public final class AgentMetrics {
    /** The closed set of {@code reason} values of {@code mailprobe_webmail_skipped_total}. */
    static final List<String> WEBMAIL_SKIP_REASONS = List.of("oversized", "unparsable");
    /**
     * Delay histogram bounds, seconds, with the contract's two limits (60 s average, 3600 s maximum)
     * as exact bounds. The histogram is per route and path, so each bound is a series per route
     * (issue 13): the rules and the report read only {@code le="3600.0"} (messages over one hour)
     * and the highest bucket holding a message (the largest delay, to the next bound); averages
     * come from the sum and count. The decades 1, 10 and 600 s say how far from a limit the
     * largest delay stayed.
     */
    public static final Duration[] DELAY_BUCKETS = seconds(1, 10, 60, 600, 3600);

    /**
     * The reasons a probe can end with, at zero per route from the start. The others of
     * {@link Reason} occur only in reachability checks (greeting, http_status) or in a webmail
     * watcher's connection (login, session, search), never as a probe's outcome: a series of
     * them per route would stay at zero for ever.
     */
    static final List<Reason> PROBE_REASONS = Arrays.stream(Reason.values())
            .filter(r -> !EnumSet.of(Reason.GREETING, Reason.HTTP_STATUS, Reason.LOGIN, Reason.SESSION, Reason.SEARCH)
                    .contains(r))
            .toList();

    /** SMTP stage bounds, seconds: 1 ms to 2 min. Per server, not per route (issue 13). */
    public static final Duration[] STAGE_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
            2.5, 5, 10, 30, 60, 120);

    public static final String RESULT_SUCCESS = "success";
    /** The path label of send delays estimated from Received headers. */
    public static final String ESTIMATE_PATH = "received_headers";
    public static final String RESULT_FAILURE = "failure";

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccessMillis = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastFailureMillis = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> watcherUp = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> certificateNotAfterMillis = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> controlUp = new ConcurrentHashMap<>();
    private final AtomicInteger lastReloadOk = new AtomicInteger(1);
    private final AtomicLong lastReloadMillis = new AtomicLong();
    private final java.util.function.LongSupplier wallMillis;

    public AgentMetrics(MeterRegistry registry, String version) {
        this.registry = registry;
        this.wallMillis = System::currentTimeMillis;
        Gauge.builder("mailprobe.build.info", () -> 1)
                .description("Always 1; labels say which mailprobe and Java run")
                .tags("version", version, "java_version", System.getProperty("java.version"))
                .register(registry);
    }

    /** Creates every series of one route at zero; call once per route at start. */
    public void registerRoute(String route, String leg, Collection<AccessPath> paths) {
        for (Reason reason : PROBE_REASONS) {
            probes(route, reason);
        }
        for (AccessPath path : paths) {
            delay(route, path, leg);
            lost(route, path);
            late(route, path, leg);
        }
        unjournaled(route);
        AtomicLong last = lastSuccessMillis.computeIfAbsent(route, r -> new AtomicLong());
        Gauge.builder("mailprobe.last.success.timestamp", last, v -> v.get() / 1000.0)
                .description("When the route last completed a probe on every path (Unix time); 0 if never")
                .baseUnit("seconds").tag("route", route).register(registry);
        // With the success time, tells whether the route's last probe failed: clause 1 counts the
        // share of probed accounts failing at each moment (deploy/prometheus).
        AtomicLong lastFailure = lastFailureMillis.computeIfAbsent(route, r -> new AtomicLong());
        Gauge.builder("mailprobe.last.failure.timestamp", lastFailure, v -> v.get() / 1000.0)
                .description("When a probe of the route last failed (Unix time); 0 if never")
                .baseUnit("seconds").tag("route", route).register(registry);
        AtomicInteger pending = inFlight.computeIfAbsent(route, r -> new AtomicInteger());
        Gauge.builder("mailprobe.probes.in.flight", pending, AtomicInteger::get)
                .description("Probes submitted and not yet seen on every path nor lost")
                .tag("route", route).register(registry);
    }

    /**
     * Creates the series of the SMTP server a route hands its probes to (its submission server, or
     * the MX of a receive route); call once per route at start. The stages of a dialogue are the
     * server's, whichever account the probe comes from, so they are timed per server: per route
     * they were 180 series a route, 80% of a 1,000-route agent's exposition (issue 13).
     */
    public void registerSmtpServer(String server) {
        for (Stage stage : new Stage[] {Stage.DNS, Stage.CONNECT, Stage.TLS, Stage.GREETING, Stage.EHLO, Stage.STARTTLS,
                Stage.AUTH, Stage.ENVELOPE, Stage.DATA}) {
            smtpStage(server, stage);
        }
    }

    /** Creates the series of one watcher; call once per watcher at start. */
    public void registerWatcher(AccessPath path, String mailbox) {
        AtomicInteger up = watcherUp.computeIfAbsent(key(path, mailbox), k -> new AtomicInteger());
        Gauge.builder("mailprobe.watcher.up", up, AtomicInteger::get)
                .description("1 while the arrival watcher of a mailbox has a working connection")
                .tags("path", path.label(), "mailbox", mailbox).register(registry);
        for (Reason reason : Reason.values()) {
            if (reason != Reason.NONE && reason != Reason.LOST && reason != Reason.JUNK) {
                watcherFailure(path, reason);
            }
        }
        if (path == AccessPath.WEBMAIL) {
            for (String reason : WEBMAIL_SKIP_REASONS) {
                webmailSkipped(reason);
            }
        }
    }

    /** A webmail listing entry skipped ({@code oversized}, {@code unparsable}); see ArrivalListener. */
    public void recordWebmailSkipped(String reason) {
        webmailSkipped(WEBMAIL_SKIP_REASONS.contains(reason) ? reason : "unparsable").increment();
    }

    private Counter webmailSkipped(String reason) {
        return Counter.builder("mailprobe.webmail.skipped")
                .description("Webmail entries skipped without failing the poll: source oversized or unparsable")
                .tag("reason", reason)
                .register(registry);
    }

    /**
     * Creates every series of one checked endpoint (clause 2): seconds per state, current state,
     * the stage histograms of the stages it runs, checks by reason, retries, certificate expiry.
     */
    public void registerEndpoint(String endpoint, String kind, Collection<Stage> stages, StateTime time) {
        for (String state : StateTime.STATES) {
            FunctionCounter.builder("mailprobe.endpoint.state.seconds", time, t -> t.seconds(state))
                    .description("Time accounted in each clause-2 state since the agent started (see docs/REACHABILITY.md)")
                    .tags("endpoint", endpoint, "kind", kind, "state", state).register(registry);
            Gauge.builder("mailprobe.endpoint.state", time, t -> state.equals(t.current()) ? 1 : 0)
                    .description("1 for the endpoint's current clause-2 state, 0 for the others")
                    .tags("endpoint", endpoint, "kind", kind, "state", state).register(registry);
        }
        for (Stage stage : stages) {
            reachabilityStage(endpoint, stage);
        }
        for (Reason reason : Reason.values()) {
            if (reason != Reason.LOST && reason != Reason.REJECTED && reason != Reason.JUNK) {
                checks(endpoint, reason);
            }
        }
        retries(endpoint);
        skipped(endpoint);
        AtomicLong notAfter = certificateNotAfterMillis.computeIfAbsent(endpoint, e -> new AtomicLong(Long.MIN_VALUE));
        // A Unix time rather than "days left", as Prometheus's conventions ask (base unit seconds;
        // promtool check metrics rejects a days unit): alerts compute days left with time().
        Gauge.builder("mailprobe.tls.certificate.expiry.timestamp", notAfter,
                v -> v.get() == Long.MIN_VALUE ? Double.NaN : v.get() / 1000.0)
                .description("When the endpoint's TLS certificate expires (Unix time), from the last handshake; NaN before one")
                .baseUnit("seconds").tags("endpoint", endpoint).register(registry);
    }

    /** Creates the series of one service: seconds per state and current state. */
    public void registerService(String service, StateTime time) {
        for (String state : StateTime.STATES) {
            FunctionCounter.builder("mailprobe.service.state.seconds", time, t -> t.seconds(state))
                    .description("Time accounted in each clause-2 state since the agent started (see docs/REACHABILITY.md)")
                    .tags("service", service, "state", state).register(registry);
            Gauge.builder("mailprobe.service.state", time, t -> state.equals(t.current()) ? 1 : 0)
                    .description("1 for the service's current clause-2 state, 0 for the others")
                    .tags("service", service, "state", state).register(registry);
        }
    }

    /** Creates the series of one control target. */
    public void registerControl(String control) {
        AtomicInteger up = controlUp.computeIfAbsent(control, c -> new AtomicInteger());
        Gauge.builder("mailprobe.control.up", up, AtomicInteger::get)
                .description("1 while the control target's last check passed; when all are 0, failures are unknown")
                .tags("control", control).register(registry);
    }

    /** Creates the agent-wide reachability series; call once if any endpoint is checked. */
    public void registerReachability() {
        latenessTimer();
        Gauge.builder("mailprobe.config.last.reload.successful", lastReloadOk, AtomicInteger::get)
                .description("1 if the last config reload succeeded (or none was asked for), else 0")
                .register(registry);
        Gauge.builder("mailprobe.config.last.reload.success.timestamp", lastReloadMillis, v -> v.get() / 1000.0)
                .description("When the config was last loaded successfully (Unix time)").baseUnit("seconds")
                .register(registry);
        lastReloadMillis.set(wallMillis.getAsLong());
    }

    public void recordCheck(String endpoint, Reason reason, @Nullable Instant certificateNotAfter) {
        checks(endpoint, reason).increment();
        if (certificateNotAfter != null) {
            certificateNotAfterMillis.computeIfAbsent(endpoint, e -> new AtomicLong())
                    .set(certificateNotAfter.toEpochMilli());
        }
    }

    public void recordReachabilityStage(String endpoint, Stage stage, Duration took) {
        reachabilityStage(endpoint, stage).record(took);
    }

    public void recordRetry(String endpoint) {
        retries(endpoint).increment();
    }

    public void recordSkippedCheck(String endpoint) {
        skipped(endpoint).increment();
    }

    /** Creates the agent-wide probe schedule series; call once if any route is scheduled. */
    public void registerProbeSchedule() {
        probeLatenessTimer();
    }

    /** How late a scheduled probe's submission started against its due time (jitter included); never negative. */
    public void recordProbeScheduleLateness(Duration late) {
        probeLatenessTimer().record(late.isNegative() ? Duration.ZERO : late);
    }

    private Timer probeLatenessTimer() {
        // No route label (issue 13): the figure is about the agent, and 1,000 routes would make it 1,000 series.
        return Timer.builder("mailprobe.probe.schedule.lateness")
                .description("How late scheduled probes started against their due time, jitter included")
                .serviceLevelObjectives(seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5))
                .register(registry);
    }

    public void recordScheduleLateness(Duration late) {
        latenessTimer().record(late.isNegative() ? Duration.ZERO : late);
    }

    public void setControlUp(String control, boolean up) {
        controlUp.computeIfAbsent(control, c -> new AtomicInteger()).set(up ? 1 : 0);
    }

    public void recordReload(boolean ok) {
        lastReloadOk.set(ok ? 1 : 0);
        if (ok) {
            lastReloadMillis.set(wallMillis.getAsLong());
        }
    }

    private Timer reachabilityStage(String endpoint, Stage stage) {
        return Timer.builder("mailprobe.reachability.stage")
                .description("Duration of each stage of a reachability check attempt")
                .tags("endpoint", endpoint, "stage", stage.label())
                .serviceLevelObjectives(STAGE_BUCKETS)
                .register(registry);
    }

    private Counter checks(String endpoint, Reason reason) {
        return Counter.builder("mailprobe.reachability.checks")
                .description("Reachability checks finished (after retries), by result and reason")
                .tags("endpoint", endpoint, "result", reason == Reason.NONE ? RESULT_SUCCESS : RESULT_FAILURE,
                        "reason", reason.label())
                .register(registry);
    }

    private Counter retries(String endpoint) {
        return Counter.builder("mailprobe.reachability.retries")
                .description("Attempts that failed and were retried at once, within a check")
                .tag("endpoint", endpoint).register(registry);
    }

    private Counter skipped(String endpoint) {
        return Counter.builder("mailprobe.reachability.skipped.checks")
                .description("Checks not started because the endpoint's previous check was still running")
                .tag("endpoint", endpoint).register(registry);
    }

    private Timer latenessTimer() {
        return Timer.builder("mailprobe.reachability.schedule.lateness")
                .description("How late checks started against their schedule")
                .serviceLevelObjectives(seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))
                .register(registry);
    }

    public void recordDelay(String route, AccessPath path, String leg, Duration delay) {
        delay(route, path, leg).record(delay.isNegative() ? Duration.ZERO : delay);
    }

    /** {@code server}: as given to {@link #registerSmtpServer}. */
    public void recordSmtpStage(String server, Stage stage, Duration took) {
        smtpStage(server, stage).record(took);
    }

    public void recordProbe(String route, Reason reason, Instant when) {
        probes(route, reason).increment();
        if (reason == Reason.NONE) {
            lastSuccessMillis.computeIfAbsent(route, r -> new AtomicLong()).set(when.toEpochMilli());
        } else {
            lastFailureMillis.computeIfAbsent(route, r -> new AtomicLong()).set(when.toEpochMilli());
        }
    }

    /**
     * Creates the series of a watch of several folders at zero, one per folder label from the
     * config ({@code WatchConfig.folderLabels()}): closed values, and none for a watch of one folder,
     * whose mailbox label names it already (issue 14; the exposition budget of issue 13).
     */
    public void registerFolders(String route, AccessPath path, Collection<String> folders) {
        for (String folder : folders) {
            arrivals(route, path, folder);
        }
    }

    /** A probe seen by a watch of several folders in {@code folder}, as registered. */
    public void recordArrival(String route, AccessPath path, String folder) {
        arrivals(route, path, folder).increment();
    }

    public void recordLost(String route, AccessPath path) {
        lost(route, path).increment();
    }

    /** A probe seen on a path after it was counted lost there; its true delay is in the journal. */
    public void recordLate(String route, AccessPath path, String leg) {
        late(route, path, leg).increment();
    }

    /** A finished probe whose journal record could not be written, and which no other meter counts. */
    public void recordUnjournaled(String route) {
        unjournaled(route).increment();
    }

    public void setInFlight(String route, int count) {
        inFlight.computeIfAbsent(route, r -> new AtomicInteger()).set(count);
    }

    public void setWatcherUp(AccessPath path, String mailbox, boolean up) {
        watcherUp.computeIfAbsent(key(path, mailbox), k -> new AtomicInteger()).set(up ? 1 : 0);
    }

    /**
     * {@code mailbox} is not a label: the failing mailbox is named by {@code mailprobe_watcher_up}
     * (and its alert) and by the watcher's log line, while a series per mailbox and reason was 16
     * series a mailbox at zero that no rule reads (issue 13).
     */
    public void recordWatcherFailure(AccessPath path, String mailbox, Reason reason) {
        watcherFailure(path, reason).increment();
    }

    /**
     * A send delay estimated from the arrived message's Received headers (server clocks), not
     * measured at the sink: path {@value #ESTIMATE_PATH} keeps it apart from measured figures.
     */
    public void recordEstimatedDelay(String route, String leg, Duration delay) {
        delay(route, ESTIMATE_PATH, leg).record(delay.isNegative() ? Duration.ZERO : delay);
    }

    /** Creates the estimated-delay series of a send route to an external mailbox. */
    public void registerEstimate(String route, String leg) {
        delay(route, ESTIMATE_PATH, leg);
    }

    /** Creates the sink's series; {@code refusals} are the labels of every reason it refuses for. */
    public void registerSink(Collection<String> refusals) {
        sinkDeliveries();
        refusals.forEach(this::sinkRefused);
    }

    /** A verified probe of any agent delivered to the sink. */
    public void recordSinkDelivery() {
        sinkDeliveries().increment();
    }

    public void recordSinkRefusal(String reason) {
        sinkRefused(reason).increment();
    }

    /** Creates the remote sink feed's series; {@code refusals} are the labels of every reason. */
    public void registerSinkFeed(Collection<String> refusals) {
        refusals.forEach(this::sinkFeedRefused);
    }

    /** An answer of a remote sink's feed refused whole (nothing from it entered a figure). */
    public void recordSinkFeedRefusal(String reason) {
        sinkFeedRefused(reason).increment();
    }

    private Counter sinkFeedRefused(String reason) {
        return Counter.builder("mailprobe.sink.feed.refused")
                .description("Answers of a remote sink's feed refused whole, by reason; none entered a figure")
                .tag("reason", reason)
                .register(registry);
    }

    private Counter sinkDeliveries() {
        return Counter.builder("mailprobe.sink.deliveries")
                .description("Verified probe messages delivered to the agent's SMTP sink")
                .register(registry);
    }

    private Counter sinkRefused(String reason) {
        return Counter.builder("mailprobe.sink.refused")
                .description("Connections, recipients or messages the sink refused, by reason; never stored")
                .tag("reason", reason)
                .register(registry);
    }

    private Timer delay(String route, AccessPath path, String leg) {
        return delay(route, path.label(), leg);
    }

    private Timer delay(String route, String path, String leg) {
        return Timer.builder("mailprobe.delivery.delay")
                .description("Delay from the provider's 250 after DATA until the message was seen, agent clock")
                .tags(Tags.of("route", route, "path", path, "leg", leg))
                .serviceLevelObjectives(DELAY_BUCKETS)
                .register(registry);
    }

    private Timer smtpStage(String server, Stage stage) {
        return Timer.builder("mailprobe.smtp.stage")
                .description("Duration of each stage of the SMTP dialogue that hands a probe over, per server")
                .tags("server", server, "stage", stage.label())
                .serviceLevelObjectives(STAGE_BUCKETS)
                .register(registry);
    }

    private Counter probes(String route, Reason reason) {
        return Counter.builder("mailprobe.probes")
                .description("Probes finished, by result and reason (reason none on success)")
                .tags("route", route, "result", reason == Reason.NONE ? RESULT_SUCCESS : RESULT_FAILURE,
                        "reason", reason.label())
                .register(registry);
    }

    private Counter lost(String route, AccessPath path) {
        return Counter.builder("mailprobe.lost.messages")
                .description("Probe messages not seen on a path within the route's timeout")
                .tags("route", route, "path", path.label())
                .register(registry);
    }

    private Counter arrivals(String route, AccessPath path, String folder) {
        return Counter.builder("mailprobe.arrivals")
                .description("Probe messages seen by a watch of several folders, by the folder they were in "
                        + "(Junk: counted lost unless the watch says junk_counts_as_delivered)")
                .tags("route", route, "path", path.label(), "folder", folder)
                .register(registry);
    }

    private Counter late(String route, AccessPath path, String leg) {
        return Counter.builder("mailprobe.late.arrivals")
                .description("Probe messages seen on a path after they were counted lost there (journal: late records)")
                .tags("route", route, "path", path.label(), "leg", leg)
                .register(registry);
    }

    private Counter unjournaled(String route) {
        return Counter.builder("mailprobe.probes.unjournaled")
                .description("Finished probes not counted in any other meter because the journal could not record them")
                .tag("route", route)
                .register(registry);
    }

    private Counter watcherFailure(AccessPath path, Reason reason) {
        return Counter.builder("mailprobe.watcher.failures")
                .description("Connection failures of arrival watchers, by path and reason (the mailbox: watcher_up, log)")
                .tags("path", path.label(), "reason", reason.label())
                .register(registry);
    }

    private static String key(AccessPath path, String mailbox) {
        return path.label() + "|" + mailbox;
    }

    private static Duration[] seconds(double... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return d;
    }
}
