package org.mailprobe.agent.reachability;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.mailprobe.agent.config.EndpointConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.reachability.ReachabilityCheck;
import org.mailprobe.probes.reachability.ReachabilityResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's (or control target's) check with its retries: up to {@code retries} immediate
 * further attempts after a failure, each with its own deadline; the check fails only if the last
 * attempt fails too. Its verdict goes to the ledger with the moment the first attempt started.
 */
final class EndpointTask implements CheckScheduler.Task {
    private static final Logger logger = LoggerFactory.getLogger(EndpointTask.class);

    private final EndpointConfig config;
    private final boolean control;
    private final ReachabilityCheck check;
    private final ProbeClock clock;
    private final StateLedger ledger;
    private final AgentMetrics metrics;
    private final java.util.function.Consumer<EndpointConfig> passedAgain;
    private volatile boolean lastPassed = true;

    /** @param passedAgain told when an endpoint's (not a control's) check passes after failing */
    EndpointTask(EndpointConfig config, boolean control, StateLedger ledger, AgentMetrics metrics,
            java.util.function.Consumer<EndpointConfig> passedAgain, ProbeClock clock) {
        this.config = config;
        this.control = control;
        this.clock = clock;
        this.check = new ReachabilityCheck(config.check(), clock);
        this.ledger = ledger;
        this.metrics = metrics;
        this.passedAgain = passedAgain;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public void run(long lateNanos) {
        metrics.recordScheduleLateness(Duration.ofNanos(lateNanos));
        Instant started = ledger.checkStarted(config.name());
        ReachabilityResult result = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                metrics.recordRetry(config.name());
            }
            result = check.check(clock.now().plus(config.timeout()));
            if (!control) {
                for (Map.Entry<Stage, Duration> stage : result.stages().entrySet()) {
                    metrics.recordReachabilityStage(config.name(), stage.getKey(), stage.getValue());
                }
            }
            if (result.succeeded() || Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        result = Objects.requireNonNull(result, "retries is at least 0: one attempt ran");
        ledger.checkFinished(config.name(), started, result.succeeded(), result.failedStage(), result.reason(),
                result.detail());
        if (control) {
            metrics.setControlUp(config.name(), result.succeeded());
        } else {
            metrics.recordCheck(config.name(), result.reason(), result.certificateNotAfter());
        }
        if (result.succeeded() != lastPassed) {
            lastPassed = result.succeeded();
            if (lastPassed) {
                logger.info("Reachability check passes again. {}={}", control ? "control" : "endpoint", config.name());
                if (!control) {
                    passedAgain.accept(config);
                }
            } else {
                logger.warn("Reachability check failed after {} attempts. {}={} stage={} reason={} detail={}",
                        config.retries() + 1, control ? "control" : "endpoint", config.name(),
                        result.failedStage() == null ? "" : result.failedStage().label(), result.reason().label(),
                        result.detail());
            }
        }
    }

    @Override
    public void skipped() {
        if (!control) {
            metrics.recordSkippedCheck(config.name());
        }
    }
}
