package org.mailprobe.agent.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits of the JDK's HTTP server, which it reads from system properties once per JVM when its
 * first server is made (so they are set before that, and an operator's own {@code -D} wins).
 * Without them a client that sends half a request holds a worker for ever (issue 11).
 *
 * <p>The JDK reads the request line and headers on an executor thread and, with
 * {@code sun.net.httpserver.maxReqTime} set, closes a connection that has not finished its request
 * within that time (its timer also closes one whose response is not written within
 * {@code maxRspTime}); {@code jdk.httpserver.maxConnections} refuses connections past a cap, so
 * the worker pool, one thread per connection at most, is bounded too. Both hold on JDK 17.0.15
 * and 25 (the test starts a fresh JVM of each it finds).
 */
public final class JdkServerLimits {
    /** A request's line, headers and body must arrive within this, from its first byte. */
    public static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
    /** A response must be written within this (a slow reader of a large scrape). */
    public static final Duration RESPONSE_DEADLINE = Duration.ofSeconds(30);
    /** A connection that sends nothing, or keeps alive with nothing to ask, is closed after this. */
    public static final Duration IDLE_DEADLINE = Duration.ofSeconds(30);
    /** Open connections at most; more are closed at once. Also the most worker threads. */
    public static final int MAX_CONNECTIONS = 64;
    static final int MAX_IDLE_CONNECTIONS = 16;
    static final int MAX_REQUEST_HEADERS = 64;

    private JdkServerLimits() {}

    /** Sets every limit the operator has not set; idempotent. */
    public static synchronized void apply() {
        Map<String, String> limits = new LinkedHashMap<>();
        limits.put("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_DEADLINE.toSeconds()));
        limits.put("sun.net.httpserver.maxRspTime", Long.toString(RESPONSE_DEADLINE.toSeconds()));
        limits.put("sun.net.httpserver.idleInterval", Long.toString(IDLE_DEADLINE.toSeconds()));
        limits.put("sun.net.httpserver.maxIdleConnections", Integer.toString(MAX_IDLE_CONNECTIONS));
        limits.put("sun.net.httpserver.maxReqHeaders", Integer.toString(MAX_REQUEST_HEADERS));
        limits.put("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        limits.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    /** The connection cap in force (the operator's {@code -Djdk.httpserver.maxConnections}, else ours). */
    static int maxConnections() {
        Integer set = Integer.getInteger("jdk.httpserver.maxConnections");
        return set != null && set > 0 ? set : MAX_CONNECTIONS;
    }
}
