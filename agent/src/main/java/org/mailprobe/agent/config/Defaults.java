package org.mailprobe.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;

/**
 * Every default of the config format, and the limits that go with them, in one place.
 * docs/CONFIG.md documents the same values; change both together.
 */
public final class Defaults {
    /** {@code allow_plaintext_passwords}: passwords in clear in the config are refused. */
    public static final boolean ALLOW_PLAINTEXT_PASSWORDS = false;

    /** {@code connect_timeout}: 10 s. */
    public static final Duration CONNECT_TIMEOUT = Timeouts.DEFAULT.connect();
    /** {@code read_timeout}: 30 s. */
    public static final Duration READ_TIMEOUT = Timeouts.DEFAULT.read();
    /** {@code insecure_skip_verify}: certificates and host names are verified. */
    public static final boolean INSECURE_SKIP_VERIFY = false;

    /** A route's {@code interval}: 60 s. */
    public static final Duration INTERVAL = Duration.ofSeconds(60);
    /** The shortest {@code interval} accepted. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** The default {@code jitter} is this fraction of the interval (in percent) ... */
    public static final int JITTER_PERCENT = 10;
    /** ... but no more than this. */
    public static final Duration MAX_DEFAULT_JITTER = Duration.ofSeconds(30);
    /** A route's {@code timeout}: one hour, the contract's maximum delay (docs/DESIGN.md section 2). */
    public static final Duration TIMEOUT = Duration.ofHours(1);

    /**
     * The time one submission is assumed to hold a scheduler thread: STARTTLS, AUTH and DATA to a
     * provider across the internet take 0.3-1 s, so 2 s leaves room. The pool of submission threads
     * is sized so that the routes' probes per second times this many seconds run at once.
     */
    public static final Duration SUBMISSION_BUDGET = Duration.ofSeconds(2);
    /** The fewest submission threads (unless there are fewer routes): a slow provider does not hold up the rest. */
    public static final int MIN_SUBMISSION_THREADS = 4;
    /** The most submission threads: a few hundred threads at most in all, whatever the number of routes. */
    public static final int MAX_SUBMISSION_THREADS = 128;
    /**
     * How long the first probes wait for the watchers to connect (or fail once) at start; after that
     * they go anyway and a watcher still connecting dates what it finds when it has connected.
     */
    public static final Duration WATCHERS_READY_WAIT = Duration.ofSeconds(15);
    /**
     * The most of the random part of a route's start offset: route i of N starts at interval * i / N
     * plus up to this (and up to one N-th of the interval), so that agents started together do not
     * probe in step, while one route's first probe still comes within a second.
     */
    public static final Duration MAX_START_RANDOM = Duration.ofSeconds(1);
    /** How long stopping waits for the watchers to close, all at once; one that takes longer is left to end on its own. */
    public static final Duration WATCHERS_CLOSE_WAIT = Duration.ofSeconds(10);
    /** The most watchers closed at once when the agent stops. */
    public static final int WATCHER_CLOSE_THREADS = 64;

    /** A watch's {@code folder}. */
    public static final String FOLDER = "INBOX";
    /** An IMAP watch's {@code junk_folders}: none, the folder marked \\Junk is Junk anyway. */
    public static final java.util.List<String> JUNK_FOLDERS = java.util.List.of();
    /**
     * An IMAP watch's {@code junk_counts_as_delivered}: a probe the provider put only in Junk is not
     * delivered to its user (issue 14), so its path's outcome is {@code junk}, accounted like lost.
     */
    public static final boolean JUNK_COUNTS_AS_DELIVERED = false;
    /** A watch's {@code poll_interval} on IMAP, used only when the server has no IDLE. */
    public static final Duration IMAP_POLL_INTERVAL = Duration.ofSeconds(2);
    /** A watch's {@code poll_interval} on POP3. */
    public static final Duration POP3_POLL_INTERVAL = Duration.ofSeconds(5);
    /** A watch's {@code poll_interval} on webmail: one search request per poll. */
    public static final Duration WEBMAIL_POLL_INTERVAL = org.mailprobe.probes.webmail.WebmailSettings.DEFAULT_POLL_INTERVAL;
    /** A webmail server's {@code driver}. */
    public static final org.mailprobe.probes.webmail.WebmailSettings.Driver WEBMAIL_DRIVER =
            org.mailprobe.probes.webmail.WebmailSettings.Driver.ROUNDCUBE;
    /** A webmail server's {@code insecure_plain_http}: an http:// URL (password in clear) is refused. */
    public static final boolean INSECURE_PLAIN_HTTP = false;
    /** The shortest {@code poll_interval} accepted. */
    public static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);
    /** A watch's {@code idle} (IMAP only): use IDLE where the server offers it. */
    public static final boolean IDLE = true;
    /** A watch's {@code delete_probes}: delete our verified probes once measured. */
    public static final boolean DELETE_PROBES = true;

    /** A filter route's {@code interval}: one batch of samples an hour. */
    public static final Duration FILTER_INTERVAL = Duration.ofHours(1);
    /** {@code filter.samples}: every built-in sample. */
    public static final java.util.List<String> FILTER_SAMPLES = org.mailprobe.probes.filter.SampleCorpus.BUILT_IN_VARIANTS;
    /** A filter route's {@code timeout}: a sample not seen 10 minutes after it was accepted is withheld. */
    public static final Duration FILTER_TIMEOUT = Duration.ofMinutes(10);
    /** How a filter watch names the folder with SPECIAL-USE {@code \Junk} (RFC 6154), whatever it is called. */
    public static final String JUNK_SPECIAL_USE = "\\Junk";
    /** A filter watch's {@code folders}: INBOX and the server's Junk folder. */
    public static final java.util.List<String> FILTER_FOLDERS = java.util.List.of(FOLDER, JUNK_SPECIAL_USE);
    /** A filter watch's {@code delete_probes}: delete samples matched by their verified token once classified. */
    public static final boolean FILTER_DELETE_SAMPLES = true;
    /** {@code filter.spam_tags}: SpamAssassin's flag, as Debian's spamass-milter adds it. */
    public static final java.util.List<org.mailprobe.probes.filter.TagRule> SPAM_TAGS = java.util.List.of(
            new org.mailprobe.probes.filter.TagRule("X-Spam-Flag", java.util.regex.Pattern.compile("(?i)^\\s*yes")));
    /** {@code filter.virus_tags}: clamav-milter's status header. */
    public static final java.util.List<org.mailprobe.probes.filter.TagRule> VIRUS_TAGS = java.util.List.of(
            new org.mailprobe.probes.filter.TagRule("X-Virus-Status",
                    java.util.regex.Pattern.compile("(?i)^\\s*infected")));
    /**
     * The first look for a batch's samples, after the last was sent; each later look waits twice as
     * long, up to {@link #FILTER_MAX_LOOK_INTERVAL}: most samples arrive within seconds, a few
     * (a slow scanner) after minutes, and one IMAP session a look costs the provider little.
     */
    public static final Duration FILTER_FIRST_LOOK = Duration.ofSeconds(5);
    /** The longest wait between two looks for outstanding samples. */
    public static final Duration FILTER_MAX_LOOK_INTERVAL = Duration.ofMinutes(1);
    /** Samples sent at once by all filter routes together: a batch is a handful of connections, not a burst. */
    public static final int FILTER_SEND_THREADS = 4;
    /** How long one look into the mailbox may take, at most (its IMAP timeouts apply within it). */
    public static final Duration FILTER_LOOK_DEADLINE = Duration.ofMinutes(2);
    /** How long one sample's send may take, at most (its dialogue's own timeouts apply within it). */
    public static final Duration FILTER_SEND_DEADLINE = Duration.ofMinutes(2);

    /** The least number of bytes in the agent's key (after a trailing newline is trimmed). */
    public static final int MIN_KEY_BYTES = 16;

    /** An endpoint's {@code interval}: 15 s. */
    public static final Duration ENDPOINT_INTERVAL = Duration.ofSeconds(15);
    /** An endpoint's {@code timeout}: 10 s, but never more than its interval. */
    public static final Duration ENDPOINT_TIMEOUT = Duration.ofSeconds(10);
    /** An endpoint's {@code retries}: a check counts as failed only after 2 immediate retries fail too. */
    public static final int RETRIES = 2;
    /** The most {@code retries} accepted. */
    public static final int MAX_RETRIES = 10;
    /** An endpoint's {@code required}: its being down makes its services down. */
    public static final boolean REQUIRED = true;
    /** An http endpoint's {@code path}. */
    public static final String HTTP_PATH = "/";
    /** An http endpoint's {@code status}. */
    public static final java.util.List<Integer> HTTP_STATUS = java.util.List.of(200);
    /** A service's {@code down_when}. */
    public static final ServiceConfig.DownWhen DOWN_WHEN = ServiceConfig.DownWhen.ANY;
    /** {@code reachability.threads}: checks that may run at once. */
    public static final int REACHABILITY_THREADS = 32;
    /** A weekly maintenance window's {@code zone}. */
    public static final java.time.ZoneId MAINTENANCE_ZONE = java.time.ZoneOffset.UTC;

    /** {@code journal.rotation}: a new segment every UTC day. */
    public static final JournalConfig.Rotation JOURNAL_ROTATION = JournalConfig.Rotation.DAILY;
    /**
     * The shortest {@code journal.retention}: one contract month (30 days) plus the report's grace
     * of 10 days, so the evidence of a month is still there when its report is disputed.
     */
    public static final Duration MIN_JOURNAL_RETENTION = Duration.ofDays(40);
    /** {@code journal.retention}: 90 days, a quarter's worth of monthly reports. */
    public static final Duration JOURNAL_RETENTION = Duration.ofDays(90);
    /** {@code journal.fsync}: {@code always}, every record forced to disk before it counts. */
    public static final Duration JOURNAL_FSYNC_INTERVAL = Duration.ZERO;

    /**
     * sink.max_message_bytes: 1 MiB; a probe is a few KiB, and the sink never stores a message,
     * so this bounds only what a hostile sender can make us read.
     */
    public static final int SINK_MAX_MESSAGE_BYTES = 1024 * 1024;
    /** sink.max_connections: 20; a provider delivers one probe at a time per route. */
    public static final int SINK_MAX_CONNECTIONS = 20;
    /** sink.connection_timeout: 60 s without a command closes a connection (RFC 5321 allows 5 min). */
    public static final Duration SINK_CONNECTION_TIMEOUT = Duration.ofSeconds(60);
    /**
     * sink.max_connections_per_source: 4; a provider's MTA opens one or two at a time, and one
     * client holding connections must not lock out the others.
     */
    public static final int SINK_MAX_CONNECTIONS_PER_SOURCE = 4;
    /**
     * sink.connection_lifetime: 6 min, however busy (NOOPs too): above Postfix's 300 s
     * smtp_connection_reuse_time_limit with a minute for the delivery begun last.
     */
    public static final Duration SINK_CONNECTION_LIFETIME = Duration.ofMinutes(6);
    /**
     * sink.replay_window: 2 h, twice the contract's longest delay, so that a delivery more than an
     * hour late is still taken once and measured (the proof of a message over the hour) rather than
     * refused; only for routes the sink does not know (a sink run on its own); for its own routes
     * the window is twice the route's timeout ({@code AgentSink.replayWindows}).
     */
    public static final Duration SINK_REPLAY_WINDOW = Duration.ofHours(2);
    /** sink.timeout (remote sink): 10 s for one whole exchange with the feed, headers and body. */
    public static final Duration SINK_REMOTE_TIMEOUT = Duration.ofSeconds(10);
    /** The largest feed answer a remote sink's reader accepts: 4 MiB, eight times a full answer. */
    public static final long SINK_REMOTE_MAX_BYTES = 4L << 20;

    /** An {@code oauth2:} account's {@code refresh_ahead}: a cached token is refreshed 5 min before it expires. */
    public static final Duration OAUTH_REFRESH_AHEAD = Duration.ofMinutes(5);
    /** An {@code oauth2:} account's {@code mechanism}: OAUTHBEARER if the server offers it, else XOAUTH2. */
    public static final org.mailprobe.probes.OAuthMechanism OAUTH_MECHANISM = org.mailprobe.probes.OAuthMechanism.AUTO;
    /**
     * The {@code scope} that {@code tenant} implies: Exchange Online's, for an app registration's
     * application permissions (SMTP.SendAsApp, IMAP.AccessAsApp, POP.AccessAsApp).
     */
    public static final String MICROSOFT_SCOPE = "https://outlook.office365.com/.default";

    private static final String FALLBACK_HOSTNAME = "localhost";

    private Defaults() {}

    /** {@code tls}: implicit on the implicit-TLS ports 465, 993 and 995, else STARTTLS, never plain. */
    public static TlsMode tls(Integer port) {
        if (port != null && (port == 465 || port == 993 || port == 995)) {
            return TlsMode.IMPLICIT;
        }
        return TlsMode.STARTTLS;
    }

    /** {@code port}: the IANA port for the protocol and TLS mode (RFC 8314 section 7.3). */
    public static int port(Protocol protocol, TlsMode tls) {
        boolean implicit = tls == TlsMode.IMPLICIT;
        switch (protocol) {
            case SMTP:
                return implicit ? 465 : tls == TlsMode.STARTTLS ? 587 : 25;
            case IMAP:
                return implicit ? 993 : 143;
            case POP3:
                return implicit ? 995 : 110;
            default:
                throw new IllegalArgumentException("no default port for " + protocol);
        }
    }

    /** An endpoint's {@code timeout}: {@link #ENDPOINT_TIMEOUT}, or its interval if that is shorter. */
    public static Duration endpointTimeout(Duration interval) {
        return interval.compareTo(ENDPOINT_TIMEOUT) < 0 ? interval : ENDPOINT_TIMEOUT;
    }

    /**
     * An endpoint's {@code tls}: implicit on 465, 993, 995 and 443; for http plain on any other
     * port, for tcp plain; for the mail protocols STARTTLS, never plain unless asked.
     */
    public static TlsMode endpointTls(org.mailprobe.probes.EndpointKind kind, Integer port) {
        if (port != null && (port == 465 || port == 993 || port == 995 || port == 443)) {
            return TlsMode.IMPLICIT;
        }
        switch (kind) {
            case HTTP:
                return port == null ? TlsMode.IMPLICIT : TlsMode.PLAIN;
            case TCP:
                return TlsMode.PLAIN;
            default:
                return TlsMode.STARTTLS;
        }
    }

    /** An endpoint's {@code port}; null for tcp, which has none. */
    public static @Nullable Integer endpointPort(org.mailprobe.probes.EndpointKind kind, TlsMode tls) {
        switch (kind) {
            case SMTP:
                return port(Protocol.SMTP, tls);
            case IMAP:
                return port(Protocol.IMAP, tls);
            case POP3:
                return port(Protocol.POP3, tls);
            case HTTP:
                return tls == TlsMode.IMPLICIT ? 443 : 80;
            default:
                return null;
        }
    }

    /** {@code jitter}: {@value #JITTER_PERCENT}% of the interval, at most {@link #MAX_DEFAULT_JITTER}. */
    public static Duration jitter(Duration interval) {
        Duration tenth = interval.multipliedBy(JITTER_PERCENT).dividedBy(100);
        return tenth.compareTo(MAX_DEFAULT_JITTER) > 0 ? MAX_DEFAULT_JITTER : tenth;
    }

    /**
     * Submission threads for {@code routes}: their probes per second times {@link #SUBMISSION_BUDGET},
     * at least {@link #MIN_SUBMISSION_THREADS} and at most {@link #MAX_SUBMISSION_THREADS}, never more
     * than there are routes (a route never overlaps itself). 1,000 routes every 60 s: 34 threads.
     */
    public static int submissionThreads(java.util.Collection<RouteConfig> routes) {
        double perSecond = 0;
        for (RouteConfig r : routes) {
            perSecond += 1000.0 / r.interval().toMillis();
        }
        int wanted = (int) Math.ceil(perSecond * SUBMISSION_BUDGET.toMillis() / 1000.0);
        int bounded = Math.min(MAX_SUBMISSION_THREADS, Math.max(MIN_SUBMISSION_THREADS, wanted));
        return Math.max(1, Math.min(routes.size(), bounded));
    }

    /** {@code poll_interval} for a watch on {@code path}. */
    public static Duration pollInterval(AccessPath path) {
        switch (path) {
            case IMAP:
                return IMAP_POLL_INTERVAL;
            case POP3:
                return POP3_POLL_INTERVAL;
            case WEBMAIL:
                return WEBMAIL_POLL_INTERVAL;
            default:
                throw new IllegalArgumentException("no default poll interval for " + path);
        }
    }

    /**
     * {@code agent.hostname}: this host's canonical name, or {@code localhost} if it has none. Never
     * fails: a probe agent on a host without working reverse DNS must still start.
     */
    public static String hostname() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name == null || name.isBlank() ? FALLBACK_HOSTNAME : name;
        } catch (UnknownHostException | SecurityException e) {
            return FALLBACK_HOSTNAME;
        }
    }

    /** The token endpoint that {@code tenant} stands for: the Microsoft identity platform's v2.0 endpoint. */
    public static java.net.URI microsoftTokenEndpoint(String tenant) {
        return java.net.URI.create("https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token");
    }
}
