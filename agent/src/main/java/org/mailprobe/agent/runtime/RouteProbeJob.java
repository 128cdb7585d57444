package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's adapter to {@link RouteRunner}: records how late the probe starts against its due time
 * (jitter included), probes once, and never lets an exception reach Quartz. A route never overlaps
 * itself.
 */
@DisallowConcurrentExecution
final class RouteProbeJob implements Job {
    static final String ROUTE = "route";
    private static final Logger logger = LoggerFactory.getLogger(RouteProbeJob.class);

    private final RouteRunner runner;
    private final AgentMetrics metrics;

    RouteProbeJob(RouteRunner runner, AgentMetrics metrics) {
        this.runner = runner;
        this.metrics = metrics;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            // The due time, not Quartz's scheduled fire time: a misfire fired now has that moved to now.
            Instant due = Instant.ofEpochMilli(context.getMergedJobDataMap().getLong(ProbeScheduler.DUE));
            metrics.recordProbeScheduleLateness(Duration.between(due, Instant.now()));
            runner.probeOnce();
        } catch (RuntimeException | LinkageError e) {
            logger.error("A probe failed with an internal error; the route goes on. route={}", runner.route().name(), e);
        }
    }
}
