package org.mailprobe.probes.internal;

import jakarta.mail.Session;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;

/**
 * Every Jakarta Mail {@link Session} is built here, so no protocol can be used without timeouts
 * or with TLS checks off by accident. Properties are set for the protocol name actually used
 * ({@code imaps}, not {@code imap}, for implicit TLS): Angus Mail reads only those.
 */
public final class MailSessions {
    /**
     * Shared by every connection for its write timeout; without it Angus Mail starts a thread per
     * socket. Angus schedules one task per socket write and cancels it when the write returns: a
     * cancelled task must leave the queue at once, or every write of the last timeout period stays
     * queued (hundreds of thousands at a thousand routes).
     */
    public static final ScheduledThreadPoolExecutor WRITE_TIMEOUTS = writeTimeouts();

    private MailSessions() {}

    private static ScheduledThreadPoolExecutor writeTimeouts() {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, daemonThreads("mailprobe-write-timeout"));
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    /** {@code smtp}, {@code imap} or {@code pop3}, with an {@code s} for implicit TLS. */
    public static String protocol(String base, TlsMode mode) {
        return mode == TlsMode.IMPLICIT ? base + "s" : base;
    }

    /**
     * Properties for one connection to {@code endpoint}. Timeouts are capped by the time left
     * until {@code deadline}.
     */
    public static Properties properties(String base, ServerEndpoint endpoint, TlsPolicy tls,
            Timeouts timeouts, String localHost, Instant now, Instant deadline) {
        String p = protocol(base, endpoint.tlsMode());
        String k = "mail." + p + ".";
        Properties props = new Properties();
        props.setProperty("mail.host", localHost);
        props.setProperty(k + "host", endpoint.host());
        props.setProperty(k + "port", Integer.toString(endpoint.port()));
        props.setProperty(k + "localhost", localHost);
        props.setProperty(k + "connectiontimeout",
                Integer.toString(Timeouts.millisWithin(timeouts.connect(), now, deadline)));
        props.setProperty(k + "timeout", Integer.toString(Timeouts.millisWithin(timeouts.read(), now, deadline)));
        props.setProperty(k + "writetimeout", Integer.toString(Timeouts.millisWithin(timeouts.read(), now, deadline)));
        props.put(k + "executor.writetimeout", WRITE_TIMEOUTS);
        switch (endpoint.tlsMode()) {
            case IMPLICIT:
                props.setProperty(k + "ssl.enable", "true");
                break;
            case STARTTLS:
                // Both, or a server that strips STARTTLS silently gets our password in clear.
                props.setProperty(k + "starttls.enable", "true");
                props.setProperty(k + "starttls.required", "true");
                break;
            case PLAIN:
            default:
                props.setProperty(k + "starttls.enable", "false");
                break;
        }
        props.put(k + "ssl.socketFactory", tls.socketFactory());
        // Its documentation and its code disagree on the default, so say it.
        props.setProperty(k + "ssl.checkserveridentity", Boolean.toString(!tls.isInsecure()));
        if ("smtp".equals(base)) {
            props.setProperty(k + "quitwait", "false");
        }
        if ("pop3".equals(base)) {
            // TOP gives headers without marking the message seen (RETR would).
            props.setProperty(k + "disabletop", "false");
        }
        return props;
    }

    /** A session for one connection; see {@link #properties}. Never the default session. */
    public static Session session(Properties props) {
        return Session.getInstance(props);
    }

    /** A session that connects nowhere: for building and parsing messages only. */
    public static Session offline() {
        return Session.getInstance(new Properties());
    }

    public static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
