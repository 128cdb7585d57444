package org.mailprobe.agent.runtime;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.spi.JobFactory;

/**
 * Schedules every route with Quartz, in memory. Each route repeats at its interval from a random
 * start within its first interval (at most 5 s, so routes do not all fire at once and the first
 * figures come quickly), plus a random jitter per run. Misfires (a run that could not start on time, because the previous one of the same route
 * was still submitting or the machine was suspended) are skipped, not replayed: replaying would
 * send a burst of probes that measures our backlog, not the provider.
 */
public final class ProbeScheduler implements AutoCloseable {
    private final Scheduler scheduler;

    public ProbeScheduler(Map<String, RouteRunner> runners) throws SchedulerException {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "mailprobe");
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        props.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(1, runners.size())));
        props.setProperty("org.quartz.threadPool.threadNamePrefix", "mailprobe-route");
        props.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        props.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        scheduler = new StdSchedulerFactory(props).getScheduler();
        JobFactory factory = (bundle, s) -> new RouteProbeJob(
                runners.get(bundle.getJobDetail().getJobDataMap().getString(RouteProbeJob.ROUTE)));
        scheduler.setJobFactory(factory);
        for (RouteRunner runner : runners.values()) {
            schedule(runner);
        }
    }

    private void schedule(RouteRunner runner) throws SchedulerException {
        String name = runner.route().name();
        long interval = runner.route().interval().toMillis();
        JobDetail job = JobBuilder.newJob(RouteProbeJob.class).withIdentity(name, "routes")
                .usingJobData(RouteProbeJob.ROUTE, name).build();
        long offset = ThreadLocalRandom.current().nextLong(Math.min(interval, 5_000) + 1);
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name, "routes")
                .startAt(new java.util.Date(System.currentTimeMillis() + offset))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval)
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(job, trigger);
    }

    public void start() throws SchedulerException {
        scheduler.start();
    }

    public boolean isStarted() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /**
     * Stops scheduling without waiting: a run still in its jitter or mid-submission is abandoned
     * (its threads are daemons), so that stopping never takes up to a submission deadline.
     */
    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            org.slf4j.LoggerFactory.getLogger(ProbeScheduler.class).warn("Stopping the scheduler failed.", e);
        }
    }
}
