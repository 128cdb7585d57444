package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.FilterRouteConfig;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.agent.metrics.FilterMetrics;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every filter route of the agent: one batch per route each interval (route i of N first at
 * interval * i / N, so that routes do not send at once), samples sent and looks run on a small
 * shared pool ({@link Defaults#FILTER_SEND_THREADS}) of daemon threads, timed by one timer thread.
 * Not Quartz: a batch's work is a chain of sends and looks spread over its timeout, not one
 * submission that holds a scheduler thread.
 */
final class FilterRoutes implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(FilterRoutes.class);

    private final List<FilterRouteRunner> runners = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService pool;

    FilterRoutes(AgentConfig config, FilterMetrics metrics, AgentMetrics agentMetrics, @Nullable Journal journal,
            ProbeClock clock, FilterRouteRunner.Looks looks) {
        timer = Executors.newSingleThreadScheduledExecutor(daemons("mailprobe-filter-timer"));
        pool = Executors.newFixedThreadPool(Defaults.FILTER_SEND_THREADS, daemons("mailprobe-filter"));
        String agentId = config.agent().id();
        String localHost = config.agent().hostname();
        TokenSigner signer = config.agent().signer();
        for (FilterRouteConfig route : config.filterRoutes()) {
            FilterRouteRunner runner = new FilterRouteRunner(agentId, route,
                    FilterRouteRunner.sender(route, localHost, signer, clock),
                    FilterRouteRunner.collector(route, agentId, localHost, signer, clock), metrics, agentMetrics,
                    journal, clock, pool, timer, looks);
            metrics.registerRoute(route.name(), runner.directions());
            runners.add(runner);
        }
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    List<FilterRouteRunner> runners() {
        return runners;
    }

    /** Schedules every route's batches, the first of route i of N at interval * i / N. */
    void start() {
        for (int i = 0; i < runners.size(); i++) {
            FilterRouteRunner runner = runners.get(i);
            Duration interval = runner.route().interval();
            long offset = interval.toMillis() * i / runners.size();
            try {
                // At a fixed rate: a batch only hands its sends to the pool, so it never runs long.
                timer.scheduleAtFixedRate(() -> {
                    try {
                        runner.sendBatch();
                    } catch (RuntimeException e) {
                        logger.error("A filter batch failed with an internal error; the route goes on. route={}",
                                runner.route().name(), e);
                    }
                }, offset, interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                return;
            }
        }
        if (!runners.isEmpty()) {
            logger.info("Filter routes scheduled. routes={} sendThreads={}", runners.size(),
                    Defaults.FILTER_SEND_THREADS);
        }
    }

    /**
     * Stops at once: sends and looks in progress are abandoned (daemon threads, each bounded by its
     * deadline). Samples still outstanding get no record; they stay in the mailbox, and a later look
     * counts them unmatched.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        pool.shutdownNow();
        for (FilterRouteRunner runner : runners) {
            if (runner.outstanding() > 0) {
                logger.info("Filter route stopped with samples outstanding; they are not classified. route={} "
                        + "outstanding={}", runner.route().name(), runner.outstanding());
            }
        }
    }
}
