package org.mailprobe.agent.runtime;

import java.util.concurrent.ThreadLocalRandom;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's adapter to {@link RouteRunner}: waits a random jitter, probes once, and never lets
 * an exception reach Quartz. A route never overlaps itself.
 */
@DisallowConcurrentExecution
final class RouteProbeJob implements Job {
    static final String ROUTE = "route";
    private static final Logger logger = LoggerFactory.getLogger(RouteProbeJob.class);

    private final RouteRunner runner;

    RouteProbeJob(RouteRunner runner) {
        this.runner = runner;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            long jitter = runner.route().jitter().toMillis();
            if (jitter > 0) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(jitter + 1));
            }
            runner.probeOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            logger.error("A probe failed with an internal error; the route goes on. route={}", runner.route().name(), e);
        }
    }
}
