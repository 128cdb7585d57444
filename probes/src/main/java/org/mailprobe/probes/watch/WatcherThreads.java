package org.mailprobe.probes.watch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.internal.MailSessions;

/**
 * The threads of the arrival watchers. A watcher keeps one thread per connection because Angus
 * Mail's API blocks: {@code IMAPFolder.idle()} and every command hold the calling thread until the
 * server answers (its event-driven {@code IdleManager} needs plain socket channels, which our
 * bounded sockets are not). So the thread is made cheap instead, chosen once per JVM:
 *
 * <ul>
 *   <li>a virtual thread on Java 24 and later, where a virtual thread blocked in a
 *       {@code synchronized} method (Angus reads the server under its protocol's lock) unmounts
 *       from its carrier (JEP 491); on Java 21 to 23 it would pin a carrier for every IDLE, so
 *       there, as on Java 17, it is
 *   <li>a platform thread with a {@link #STACK_BYTES} stack instead of the default 1 MiB (8 MiB
 *       of address space on some systems): the deepest stacks a watcher runs are a TLS handshake
 *       and Angus parsing one response (no recursion beyond a nested BODYSTRUCTURE, which we never
 *       fetch).
 * </ul>
 *
 * <p>{@code -Dmailprobe.watcher.threads=platform} forces platform threads on any JVM (and
 * {@code virtual} asks for virtual ones where they exist at all, pinning or not). The build stays
 * Java 17: virtual threads are reached through a method handle.
 *
 * <p>The timers of every watcher (IDLE refresh, quick looks) share one scheduler thread,
 * {@link #TIMER}; ending an IDLE waits for the server's answer, so that runs on {@link #ENDERS}, a
 * pool that has threads only while an end is under way.
 */
final class WatcherThreads {
    /** The system property that chooses the kind: {@code auto} (default), {@code platform}, {@code virtual}. */
    static final String PROPERTY = "mailprobe.watcher.threads";
    /** 256 KiB: see the class comment; the whole test suite, hostile servers included, runs with it. */
    static final long STACK_BYTES = 256 * 1024;
    /** The first Java release whose virtual threads do not pin on {@code synchronized} (JEP 491). */
    static final int UNPINNED_RELEASE = 24;

    /** One thread for every watcher's timers; its tasks only hand work on, never block. */
    static final ScheduledThreadPoolExecutor TIMER = timer();
    /** Ends IDLEs (DONE and the server's answer): a thread per end under way, kept 30 s for the next. */
    static final ExecutorService ENDERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), factory("mailprobe-idle-end"));

    private static final @Nullable MethodHandle OF_VIRTUAL = ofVirtual();
    private static final @Nullable MethodHandle NAME = builderMethod("name", String.class);
    private static final @Nullable MethodHandle UNSTARTED = builderMethod("unstarted", Runnable.class);

    private WatcherThreads() {}

    /** The kind of thread a watcher gets in this JVM now (the property is read each time). */
    static boolean virtual() {
        String kind = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (OF_VIRTUAL == null || kind.equals("platform")) {
            return false;
        }
        return kind.equals("virtual") || Runtime.version().feature() >= UNPINNED_RELEASE;
    }

    /** Whether this JVM has virtual threads at all (Java 21 and later). */
    static boolean virtualAvailable() {
        return OF_VIRTUAL != null;
    }

    /** An unstarted daemon thread of the kind {@link #virtual()} says. */
    static Thread newThread(String name, Runnable task) {
        if (virtual()) {
            try {
                // virtual() is true only where all three were found.
                Object builder = Objects.requireNonNull(OF_VIRTUAL).invoke();
                builder = Objects.requireNonNull(NAME).invoke(builder, name);
                return (Thread) Objects.requireNonNull(UNSTARTED).invoke(builder, task);
            } catch (Throwable e) {
                throw new IllegalStateException("a virtual thread could not be made", e);
            }
        }
        Thread t = new Thread(null, task, name, STACK_BYTES);
        t.setDaemon(true);
        return t;
    }

    /** A factory of {@link #newThread} threads named {@code name-n}. */
    static ThreadFactory factory(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> newThread(name + "-" + n.incrementAndGet(), r);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                MailSessions.daemonThreads("mailprobe-watch-timer"));
        // A refresh or look rescheduled cancels its task: it must leave the queue at once (1,000 watchers).
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private static @Nullable Class<?> builderClass() {
        try {
            return Class.forName("java.lang.Thread$Builder$OfVirtual");
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static @Nullable MethodHandle ofVirtual() {
        Class<?> builder = builderClass();
        if (builder == null) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findStatic(Thread.class, "ofVirtual", MethodType.methodType(builder));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** {@code OfVirtual name(String)} or {@code Thread unstarted(Runnable)}; null before Java 21. */
    private static @Nullable MethodHandle builderMethod(String name, Class<?> parameter) {
        Class<?> builder = builderClass();
        if (builder == null) {
            return null;
        }
        try {
            Class<?> returns = parameter == String.class ? builder : Thread.class;
            return MethodHandles.publicLookup().findVirtual(builder, name, MethodType.methodType(returns, parameter));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Whether {@code t} is a virtual thread (false on a JVM without them). */
    static boolean isVirtual(Thread t) {
        if (OF_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class)).invoke(t);
        } catch (Throwable e) {
            return false;
        }
    }
}
