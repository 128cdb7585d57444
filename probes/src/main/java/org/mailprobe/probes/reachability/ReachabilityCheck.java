package org.mailprobe.probes.reachability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.DnsLookup;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.SocketHolder;
import org.mailprobe.probes.internal.StageTimeline;
import org.mailprobe.probes.internal.Watchdog;
import org.mailprobe.probes.reachability.LineConnection.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reachability check of one endpoint: DNS, TCP connect, TLS (implicit, or STARTTLS after the
 * greeting), the protocol's greeting, optionally a login; each stage timed. One attempt, no
 * retries (the caller decides how many). Never throws for a network fault: every failure is a
 * {@link ReachabilityResult} with a {@link Reason} and the stage it happened in. A watchdog closes
 * the socket at the deadline, so a server that says nothing, or trickles a byte a second, costs
 * this check its deadline and no more.
 *
 * <p>The dialogue is written by hand rather than through Angus Mail or the JDK's HttpClient so
 * that every kind has the same stages, timed the same way, on one socket the watchdog can close,
 * and so the certificate of the very handshake that was timed is the one whose expiry is reported.
 */
public final class ReachabilityCheck {
    private static final Logger logger = LoggerFactory.getLogger(ReachabilityCheck.class);

    private final ReachabilitySettings settings;
    private final ProbeClock clock;

    /** @param clock dates the stages (a ProbeClock: the check's timings are figures) */
    public ReachabilityCheck(ReachabilitySettings settings, ProbeClock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public ReachabilitySettings settings() {
        return settings;
    }

    /**
     * One check by {@code deadline}. With an OAuth login, the account's token is had first (a
     * failure is {@link Reason#TOKEN} at the LOGIN stage, the server not asked); a token the server
     * refuses is dropped and the check made once more, on a new connection, with a fresh one.
     */
    public ReachabilityResult check(Instant deadline) {
        StageTimeline timeline = new StageTimeline(clock);
        Instant started = timeline.begin(Stage.DNS);
        Account login = settings.login();
        // A TCP check stops at the connection: no sign-in, so no token either.
        if (login == null || !login.usesOAuth() || settings.kind() == EndpointKind.TCP) {
            return attempt(timeline, started, deadline, null).result();
        }
        BearerTokens tokens = Objects.requireNonNull(login.oauth(), "usesOAuth").tokens();
        Secret bearer;
        try {
            bearer = tokens.current(deadline);
        } catch (TokenException e) {
            return noToken(timeline, started, e);
        }
        Checked first = attempt(timeline, started, deadline, bearer);
        if (!first.tokenRefused()) {
            return first.result();
        }
        logger.info("The server refused the access token; checking once more with a fresh one. endpoint={}",
                settings.endpoint());
        tokens.refused(bearer);
        try {
            bearer = tokens.current(deadline);
        } catch (TokenException e) {
            return noToken(timeline, started, e);
        }
        timeline.reopen();
        return attempt(timeline, started, deadline, bearer).result();
    }

    private static ReachabilityResult noToken(StageTimeline timeline, Instant started, TokenException e) {
        timeline.begin(Stage.LOGIN);
        Instant failedAt = timeline.end();
        return new ReachabilityResult(Reason.TOKEN, Stage.LOGIN, started, failedAt, timeline.durations(), null, "",
                FailureClassifier.describe(e));
    }

    /** One connection's check; tokenRefused if the server refused the OAuth token it was given. */
    private record Checked(ReachabilityResult result, boolean tokenRefused) {}

    private Checked attempt(StageTimeline timeline, Instant started, Instant deadline, @Nullable Secret bearer) {
        SocketHolder sockets = new SocketHolder();
        LineConnection connection = null;
        ServerEndpoint endpoint = settings.endpoint();
        try (Watchdog.Armed armed = Watchdog.arm(clock.now(), deadline, sockets::close)) {
            timeline.begin(Stage.DNS);
            InetAddress[] addresses = DnsLookup.resolve(endpoint.host(), clock.now(), deadline);
            Socket socket = connect(addresses, timeline, sockets, deadline);
            connection = new LineConnection(socket, endpoint.host(), endpoint.port(), sockets);
            if (endpoint.tlsMode() == TlsMode.IMPLICIT) {
                timeline.begin(Stage.TLS);
                connection.startTls(settings.tls());
            }
            if (settings.kind() != EndpointKind.TCP) {
                timeline.begin(Stage.GREETING);
            }
            switch (settings.kind()) {
                case SMTP:
                    ReachabilityDialogues.smtp(connection, settings, timeline, bearer);
                    break;
                case IMAP:
                    ReachabilityDialogues.imap(connection, settings, timeline, bearer);
                    break;
                case POP3:
                    ReachabilityDialogues.pop3(connection, settings, timeline, bearer);
                    break;
                case HTTP:
                    ReachabilityDialogues.http(connection, settings);
                    break;
                case TCP:
                default:
                    break;
            }
            Instant finished = timeline.end();
            sockets.close();
            return new Checked(new ReachabilityResult(Reason.NONE, null, started, finished, timeline.durations(),
                    connection.certificateNotAfter(), connection.lastLine(), ""), false);
        } catch (Exception | LinkageError e) {
            Instant failedAt = timeline.end();
            Stage stage = timeline.current();
            Reason reason;
            boolean refusedToken = false;
            if (sockets.closedByWatchdog() || !failedAt.isBefore(deadline)) {
                reason = Reason.TIMEOUT;
            } else if (e instanceof ReplyException) {
                reason = ((ReplyException) e).reason();
                refusedToken = e instanceof ReachabilityDialogues.TokenRefusedException;
            } else {
                reason = refine(FailureClassifier.classify(e), stage);
            }
            if (reason == Reason.INTERNAL) {
                logger.warn("A reachability check failed with an internal error. endpoint={} stage={}", endpoint,
                        stage == null ? "none" : stage.label(), e);
            }
            sockets.close();
            return new Checked(new ReachabilityResult(reason, stage, started, failedAt, timeline.durations(),
                    connection == null ? null : connection.certificateNotAfter(),
                    connection == null ? "" : connection.lastLine(),
                    e instanceof ReplyException ? String.valueOf(e.getMessage()) : FailureClassifier.describe(e)), refusedToken);
        }
    }

    /** Tries each address in turn, as a client does; the connect timeout is capped by the deadline. */
    private Socket connect(InetAddress[] addresses, StageTimeline timeline, SocketHolder sockets, Instant deadline)
            throws IOException {
        timeline.begin(Stage.CONNECT);
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            sockets.set(socket);
            try {
                Instant now = clock.now();
                socket.connect(new InetSocketAddress(address, settings.endpoint().port()),
                        Timeouts.millisWithin(settings.timeouts().connect(), now, deadline));
                socket.setSoTimeout(Timeouts.millisWithin(settings.timeouts().read(), clock.now(), deadline));
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
                if (sockets.closedByWatchdog()) {
                    break;
                }
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    /** A TLS or certificate failure during STARTTLS is its own; anything else there is STARTTLS's. */
    private static Reason refine(Reason reason, @Nullable Stage stage) {
        if (stage == Stage.STARTTLS && reason == Reason.PROTOCOL) {
            return Reason.STARTTLS;
        }
        return reason;
    }
}
