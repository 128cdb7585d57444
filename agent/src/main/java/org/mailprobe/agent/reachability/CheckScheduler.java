package org.mailprobe.agent.reachability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every endpoint's check at its interval: one timer thread keeps the schedule, a bounded pool
 * of workers runs the checks. Each endpoint starts at a random offset within its first interval
 * (so 1,000 endpoints do not fire at once) and then keeps a fixed rate on the monotonic clock. An
 * endpoint never overlaps itself: if its previous check is still running (a stuck server, up to
 * its deadline times its attempts), that run is skipped and counted, not queued. A stuck check
 * holds one worker, never the timer, so it cannot delay the other endpoints' schedule. This is
 * lighter than Quartz for thousands of short, frequent checks: no job store, no trigger objects.
 */
public final class CheckScheduler implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(CheckScheduler.class);

    /** One scheduled task. */
    public interface Task {
        String name();

        Duration interval();

        /** Runs one check; {@code lateNanos} is how late it started against its schedule. */
        void run(long lateNanos);

        /** Its previous run was still going when this one was due. */
        void skipped();
    }

    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor workers;
    private final List<Task> tasks = new ArrayList<>();
    private volatile boolean closed;

    public CheckScheduler(int threads) {
        timer = new ScheduledThreadPoolExecutor(1, daemon("mailprobe-check-timer"));
        workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("mailprobe-check"));
    }

    public void add(Task task) {
        tasks.add(task);
    }

    public void start() {
        long now = System.nanoTime();
        for (Task task : tasks) {
            long interval = task.interval().toNanos();
            long first = now + ThreadLocalRandom.current().nextLong(interval);
            new Schedule(task, interval, first).arm();
        }
    }

    /** One endpoint's schedule: the nominal time of its next run, advanced by exactly its interval. */
    private final class Schedule implements Runnable {
        final Task task;
        final long interval;
        final AtomicBoolean running = new AtomicBoolean();
        long nominal;

        Schedule(Task task, long interval, long first) {
            this.task = task;
            this.interval = interval;
            this.nominal = first;
        }

        void arm() {
            if (!closed) {
                timer.schedule(this, nominal - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void run() {
            long due = nominal;
            nominal += interval;
            long now = System.nanoTime();
            if (nominal < now) {
                // Suspended or overloaded for more than an interval: skip the missed runs, do not replay them.
                nominal += ((now - nominal) / interval + 1) * interval;
            }
            arm();
            if (!running.compareAndSet(false, true)) {
                task.skipped();
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        task.run(System.nanoTime() - due);
                    } catch (RuntimeException | LinkageError e) {
                        logger.error("A reachability check failed with an internal error; it goes on. endpoint={}",
                                task.name(), e);
                    } finally {
                        running.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                running.set(false);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
