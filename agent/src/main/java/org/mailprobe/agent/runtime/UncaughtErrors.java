package org.mailprobe.agent.runtime;

import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what kills a thread of the agent, which the JVM would otherwise print, unformatted, to a
 * stderr nobody reads (a watcher thread that died of an OutOfMemoryError left the agent blind and
 * "healthy", issue 11). An OutOfMemoryError itself also ends the JVM where the shipped unit, image
 * and manifest run it with -XX:+ExitOnOutOfMemoryError, so the supervisor restarts it.
 */
public final class UncaughtErrors implements Thread.UncaughtExceptionHandler {
    private static final Logger logger = LoggerFactory.getLogger(UncaughtErrors.class);

    /** The exit code of -XX:+ExitOnOutOfMemoryError, so both ways of ending look alike to a supervisor. */
    static final int OUT_OF_MEMORY_EXIT = 3;

    private final Consumer<String> log;
    private final IntConsumer halt;

    UncaughtErrors(Consumer<String> log, IntConsumer halt) {
        this.log = log;
        this.halt = halt;
    }

    /**
     * Makes this the JVM's default handler for every thread without its own. A thread killed by an
     * OutOfMemoryError then also ends the JVM (as -XX:+ExitOnOutOfMemoryError would, for a JVM
     * started without it), since an agent with a dead watcher or scheduler measures nothing while
     * its endpoint still says healthy.
     */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new UncaughtErrors(line -> logger.error("{}", line),
                Runtime.getRuntime()::halt));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        try {
            StringBuilder line = new StringBuilder("A thread died of an uncaught ")
                    .append(error instanceof Error ? "error" : "exception")
                    .append("; what it did has stopped. thread=").append(thread.getName())
                    .append(" error=").append(error.getClass().getName());
            // Messages of our own exceptions never hold secrets; the first frames say where it died.
            if (error.getMessage() != null) {
                line.append(" message=\"").append(error.getMessage().replace('"', '\'')).append('"');
            }
            StackTraceElement[] frames = error.getStackTrace();
            for (int i = 0; i < Math.min(5, frames.length); i++) {
                line.append(i == 0 ? " at=" : " < ").append(frames[i]);
            }
            if (error instanceof OutOfMemoryError) {
                line.append("; exiting so that the supervisor starts a fresh agent");
            }
            log.accept(line.toString());
        } catch (Throwable again) {
            // Out of memory while formatting: the name alone, without allocating much.
            log.accept("A thread died of an uncaught " + error.getClass().getName());
        } finally {
            if (error instanceof OutOfMemoryError) {
                halt.accept(OUT_OF_MEMORY_EXIT);
            }
        }
    }
}
