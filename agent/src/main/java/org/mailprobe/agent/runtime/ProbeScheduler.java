package org.mailprobe.agent.runtime;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules every route with Quartz, in memory, on a small pool of submission threads
 * ({@link Defaults#submissionThreads}) rather than one per route: a thread is busy only while it
 * submits, since the jitter is part of each probe's due time, not a sleep.
 *
 * <p>Each route has one trigger at a time, for its next probe; when a probe ends, the next one is
 * scheduled at the route's next grid point plus a fresh jitter ({@link RouteCadence}). A route's
 * probes therefore never overlap, and a probe that ran past grid points skips them instead of
 * replaying them in a burst, which would measure our backlog rather than the provider. A probe
 * that starts late (every thread busy, the machine suspended) still runs, late, and its lateness
 * is recorded ({@code mailprobe_probe_schedule_lateness_seconds}).
 *
 * <p>Nothing fires until {@link #startRoutes}: the agent calls it once its watchers are connected,
 * so that the first probes are not sent to mailboxes nobody watches yet (issue 13).
 */
public final class ProbeScheduler implements AutoCloseable {
    static final String GROUP = "routes";
    /** The trigger's data: when its probe was due (epoch milliseconds), for the lateness. */
    static final String DUE = "due";
    private static final Logger logger = LoggerFactory.getLogger(ProbeScheduler.class);

    private final Scheduler scheduler;
    private final Map<String, RouteRunner> runners;
    private final Map<String, RouteCadence> cadences = new ConcurrentHashMap<>();
    private final int threads;

    public ProbeScheduler(Map<String, RouteRunner> runners, AgentMetrics metrics) throws SchedulerException {
        this.runners = runners;
        this.threads = Defaults.submissionThreads(runners.values().stream().map(RouteRunner::route).toList());
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "mailprobe");
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        props.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        props.setProperty("org.quartz.threadPool.threadNamePrefix", "mailprobe-route");
        props.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        props.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        scheduler = new StdSchedulerFactory(props).getScheduler();
        scheduler.setJobFactory((bundle, s) -> new RouteProbeJob(
                // Every job was scheduled for one of these runners.
                Objects.requireNonNull(runners.get(bundle.getJobDetail().getJobDataMap().getString(RouteProbeJob.ROUTE))),
                metrics));
        scheduler.getListenerManager().addJobListener(new NextProbe(), GroupMatcher.jobGroupEquals(GROUP));
    }

    /** Starts the scheduler; no probe is due until {@link #startRoutes}. */
    public void start() throws SchedulerException {
        scheduler.start();
    }

    /** How many probes may be submitted at once. */
    public int threads() {
        return threads;
    }

    /**
     * Schedules every route's first probe, route i of N at {@code base} plus its interval * i / N
     * (and a little at random), then its jitter. Call once.
     */
    public void startRoutes(Instant base) {
        List<RouteRunner> all = List.copyOf(runners.values());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Map<JobDetail, Set<? extends Trigger>> jobs = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            RouteConfig route = all.get(i).route();
            RouteCadence cadence = RouteCadence.spread(base, route.interval(), route.jitter(), i, all.size(), random);
            cadences.put(route.name(), cadence);
            // Durable: the job outlives each one-off trigger.
            jobs.put(JobBuilder.newJob(RouteProbeJob.class).withIdentity(route.name(), GROUP)
                    .usingJobData(RouteProbeJob.ROUTE, route.name()).storeDurably().build(),
                    Set.of(trigger(route.name(), cadence.due(0, random))));
        }
        try {
            // All at once: one by one, each wakes the scheduler's thread, which took 1,000 routes seconds.
            scheduler.scheduleJobs(jobs, false);
            logger.info("Probes scheduled. routes={} submissionThreads={}", all.size(), threads);
        } catch (SchedulerException e) {
            if (isStarted()) {
                logger.error("The routes could not be scheduled; no probe is sent. routes={}", all.size(), e);
            }
        }
    }

    private static Trigger trigger(String route, Instant due) {
        return TriggerBuilder.newTrigger().forJob(JobKey.jobKey(route, GROUP))
                .usingJobData(DUE, due.toEpochMilli()).startAt(Date.from(due))
                // A late probe still runs (once: a route has one trigger at a time).
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
    }

    private void scheduleAt(String route, Instant due) {
        try {
            scheduler.scheduleJob(trigger(route, due));
        } catch (SchedulerException e) {
            if (isStarted()) {
                logger.error("The next probe of a route could not be scheduled; the route stops. route={}", route, e);
            }
        }
    }

    public boolean isStarted() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /**
     * Stops scheduling without waiting: a run mid-submission is abandoned (its threads are
     * daemons), so that stopping never takes up to a submission deadline.
     */
    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            logger.warn("Stopping the scheduler failed.", e);
        }
    }

    /** Schedules a route's next probe when one has ended, on the thread that ran it. */
    private final class NextProbe implements JobListener {
        @Override
        public String getName() {
            return "mailprobe-next-probe";
        }

        @Override
        public void jobToBeExecuted(JobExecutionContext context) {}

        @Override
        public void jobExecutionVetoed(JobExecutionContext context) {}

        @Override
        public void jobWasExecuted(JobExecutionContext context, JobExecutionException error) {
            String route = context.getJobDetail().getKey().getName();
            RouteCadence cadence = cadences.get(route);
            if (cadence == null || !isStarted()) {
                return;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long done = cadence.pointOf(Instant.ofEpochMilli(context.getMergedJobDataMap().getLong(DUE)));
            long next = cadence.nextPointAfter(Instant.now());
            if (next > done + 1) {
                logger.warn("A probe ran past the route's next start; the probes between are skipped, not sent "
                        + "late in a burst. route={} skipped={}", route, next - done - 1);
            }
            scheduleAt(route, cadence.due(next, random));
        }
    }
}
