package org.mailprobe.probes.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailprobe.probes.DeadlineExceededException;

/**
 * A host name lookup bounded by the probe's deadline. Angus Mail's connect timeout does not cover
 * DNS, so each probe resolves first, here; the JVM's cache then serves Angus Mail's own lookup.
 */
public final class DnsLookup {
    private static final ExecutorService RESOLVERS =
            Executors.newCachedThreadPool(MailSessions.daemonThreads("mailprobe-dns"));

    private DnsLookup() {}

    public static InetAddress[] resolve(String host, Instant now, Instant deadline)
            throws UnknownHostException, DeadlineExceededException {
        return within(() -> InetAddress.getAllByName(host), host, now, deadline);
    }

    /**
     * Runs a lookup of {@code name} on a resolver thread and gives up at {@code deadline}; any
     * failure other than the deadline is an {@link UnknownHostException} naming {@code name}.
     */
    public static <T> T within(Callable<T> lookup, String name, Instant now, Instant deadline)
            throws UnknownHostException, DeadlineExceededException {
        Future<T> running = RESOLVERS.submit(lookup);
        long millis = Math.max(1, Duration.between(now, deadline).toMillis());
        try {
            return running.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw new DeadlineExceededException("DNS lookup of " + name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadlineExceededException("DNS lookup of " + name + " (interrupted)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                throw (UnknownHostException) e.getCause();
            }
            if (e.getCause() instanceof DeadlineExceededException) {
                throw (DeadlineExceededException) e.getCause();
            }
            UnknownHostException unknown = new UnknownHostException(name);
            unknown.initCause(e.getCause());
            throw unknown;
        }
    }
}
