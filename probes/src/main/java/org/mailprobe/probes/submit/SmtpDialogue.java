package org.mailprobe.probes.submit;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.BoundedReads;
import org.mailprobe.probes.internal.DnsLookup;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.internal.ReadLimits;
import org.mailprobe.probes.internal.SocketHolder;
import org.mailprobe.probes.internal.StageTimeline;
import org.mailprobe.probes.internal.TimingSocketFactory;
import org.mailprobe.probes.internal.TimingSslSocketFactory;
import org.mailprobe.probes.internal.Watchdog;
import org.mailprobe.probes.oauth.OAuthSasl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timed SMTP dialogue that sends one message (a probe, or a filter sample): resolve, connect,
 * (STARTTLS), (AUTH), MAIL, RCPT, DATA, until the server's 250 after the final dot. Shared by
 * submission (587/465, with AUTH) and direct MX delivery (25, no AUTH). Never throws for a network
 * fault.
 */
final class SmtpDialogue {
    private static final Logger logger = LoggerFactory.getLogger(SmtpDialogue.class);
    private static final int MAX_REPLY = 200;
    /** What a hold before DATA leaves of the deadline, for a clean QUIT when it is given up. */
    private static final java.time.Duration HOLD_MARGIN = java.time.Duration.ofMillis(500);

    /**
     * What one dialogue did.
     *
     * @param result the outcome, timestamps and stages
     * @param tlsProtocol the TLS protocol used (implicit or after STARTTLS); empty in clear
     */
    record Attempt(SubmissionResult result, String tlsProtocol) {}

    private final ServerEndpoint endpoint;
    private final @Nullable Account account;
    private final boolean opportunisticStartTls;
    private final TlsPolicy tls;
    private final Timeouts timeouts;
    private final String localHost;
    /** Only "now" against the deadline: the stages are dated by the timeline's clock. */
    private final InstantSource clock;

    /**
     * @param opportunisticStartTls with a {@link TlsMode#STARTTLS} endpoint: use STARTTLS when the
     *     server offers it and go on in clear when it does not (RFC 3207 between MTAs); otherwise
     *     STARTTLS is required
     */
    SmtpDialogue(ServerEndpoint endpoint, @Nullable Account account, boolean opportunisticStartTls, TlsPolicy tls,
            Timeouts timeouts, String localHost, InstantSource clock) {
        this.endpoint = endpoint;
        this.clock = clock;
        this.account = account;
        this.opportunisticStartTls = opportunisticStartTls;
        this.tls = tls;
        this.timeouts = timeouts;
        this.localHost = localHost;
    }

    /**
     * Has an OAuth account's token fetched now, if it is not cached, so that its fetch (the
     * identity platform's time, not the mail server's) is not counted in the dialogue's first
     * stage; {@link #send} then takes it from the cache. A failure is left for {@link #send} to
     * report: the token source holds it off, so the endpoint is not asked twice.
     */
    void fetchTokenAhead(Instant deadline) {
        if (account != null && account.usesOAuth()) {
            try {
                Objects.requireNonNull(account.oauth(), "usesOAuth").tokens().current(deadline);
            } catch (TokenException e) {
                // said by send() as reason token
            }
        }
    }

    /**
     * Sends {@code message} to {@code to} on {@code timeline} (whose DNS stage the caller began at
     * {@code started}), held before DATA by {@code hold}, giving up at {@code deadline}. An OAuth
     * account's token is had first (a failure is {@link Reason#TOKEN} at the AUTH stage, the mail
     * server not asked); a token the server refuses is dropped and the whole dialogue tried once
     * more, on a new connection, with a fresh one, within the same deadline.
     */
    Attempt send(String to, ProbeToken token, OutgoingMessage message, StageTimeline timeline,
            Instant started, Instant deadline, HoldBeforeData hold) {
        if (account == null || !account.usesOAuth()) {
            return attempt(to, token, message, timeline, started, deadline,
                    account == null ? null : account.password(), hold).attempt();
        }
        BearerTokens tokens = Objects.requireNonNull(account.oauth(), "usesOAuth").tokens();
        Secret bearer;
        try {
            bearer = tokens.current(deadline);
        } catch (TokenException e) {
            return noToken(token, timeline, started, e);
        }
        Tried first = attempt(to, token, message, timeline, started, deadline, bearer, hold);
        if (!first.tokenRefused()) {
            return first.attempt();
        }
        logger.info("The server refused the access token; sending once more with a fresh one. route={}", token.route());
        tokens.refused(bearer);
        try {
            bearer = tokens.current(deadline);
        } catch (TokenException e) {
            return noToken(token, timeline, started, e);
        }
        timeline.reopen();
        return attempt(to, token, message, timeline, started, deadline, bearer, hold).attempt();
    }

    private static Attempt noToken(ProbeToken token, StageTimeline timeline, Instant started, TokenException e) {
        timeline.begin(Stage.AUTH);
        timeline.end();
        return new Attempt(new SubmissionResult(token, Reason.TOKEN, Stage.AUTH, started, null, timeline.durations(),
                "", FailureClassifier.describe(e)), "");
    }

    /** One dialogue; tokenRefused if it failed because the server refused the OAuth token it was given. */
    private record Tried(Attempt attempt, boolean tokenRefused) {}

    private Tried attempt(String to, ProbeToken token, OutgoingMessage outgoing, StageTimeline timeline,
            Instant started, Instant deadline, @Nullable Secret secret, HoldBeforeData hold) {
        SocketHolder sockets = new SocketHolder();
        TimedSmtpTransport transport = null;
        try (Watchdog.Armed armed = Watchdog.arm(clock.instant(), deadline, sockets::close)) {
            timeline.begin(Stage.DNS);
            DnsLookup.resolve(endpoint.host(), clock.instant(), deadline);
            Instant connectStart = timeline.begin(Stage.CONNECT);
            Session session = MailSessions.session(properties(timeline, sockets, connectStart, deadline));
            // The hold ends a little before the watchdog would close the connection under it.
            transport = new TimedSmtpTransport(session, implicit(), timeline, hold, deadline.minus(HOLD_MARGIN));
            if (secret == null) {
                transport.connect();
            } else {
                transport.connect(Objects.requireNonNull(account).user(), secret.reveal()); // a secret is an account's
            }
            MimeMessage message = outgoing.build(session);
            // The envelope names the one recipient we were given, whatever the headers say.
            transport.sendMessage(message, new Address[] {new InternetAddress(to, true)});
            Instant accepted = timeline.end();
            String reply = reply(transport);
            String protocol = sockets.tlsProtocol();
            closeQuietly(transport);
            return new Tried(new Attempt(new SubmissionResult(token, Reason.NONE, null, started, accepted,
                    timeline.durations(), reply, ""), protocol), false);
        } catch (Exception | LinkageError e) {
            Instant failedAt = timeline.end();
            Stage stage = timeline.current();
            Reason reason = sockets.closedByWatchdog() || !failedAt.isBefore(deadline)
                    ? Reason.TIMEOUT : refine(FailureClassifier.classify(e), stage);
            if (reason == Reason.INTERNAL) {
                logger.warn("SMTP dialogue failed with an internal error. route={} stage={}", token.route(),
                        stage == null ? "none" : stage.label(), e);
            }
            String reply = transport == null ? "" : reply(transport);
            String protocol = sockets.tlsProtocol();
            sockets.close();
            boolean refused = reason == Reason.AUTH && stage == Stage.AUTH && account != null && account.usesOAuth()
                    && OAuthSasl.tokenRefused(e);
            return new Tried(new Attempt(new SubmissionResult(token, reason, stage, started, null,
                    timeline.durations(), reply, FailureClassifier.describe(e)), protocol), refused);
        }
    }

    /** A failure while STARTTLS was in progress that is not about certificates is STARTTLS's. */
    private static Reason refine(Reason reason, @Nullable Stage stage) {
        if (stage == Stage.STARTTLS && (reason == Reason.PROTOCOL || reason == Reason.REJECTED)) {
            return Reason.STARTTLS;
        }
        if (stage == Stage.AUTH && reason == Reason.PROTOCOL) {
            return Reason.AUTH;
        }
        return reason;
    }

    private boolean implicit() {
        return endpoint.tlsMode() == TlsMode.IMPLICIT;
    }

    private Properties properties(StageTimeline timeline, SocketHolder sockets, Instant now, Instant deadline) {
        Properties props = MailSessions.properties("smtp", endpoint, tls, timeouts, localHost, now, deadline);
        String p = "mail." + MailSessions.protocol("smtp", endpoint.tlsMode()) + ".";
        props.setProperty(p + "auth", Boolean.toString(account != null));
        if (account != null && account.usesOAuth()) {
            OAuthSasl.configure(props, MailSessions.protocol("smtp", endpoint.tlsMode()),
                    Objects.requireNonNull(account.oauth(), "usesOAuth").mechanism());
        }
        if (opportunisticStartTls && endpoint.tlsMode() == TlsMode.STARTTLS) {
            props.setProperty(p + "starttls.required", "false");
        }
        // Replies bounded in size (Angus Mail reads a reply line, and a multi-line reply, without
        // limit); the probe's deadline bounds the time.
        BoundedReads reads = new BoundedReads(ReadLimits.smtp(), tls.socketFactory());
        props.put(p + "ssl.socketFactory",
                new TimingSslSocketFactory(tls.socketFactory(), timeline, implicit(), sockets, reads));
        if (!implicit()) {
            props.put(p + "socketFactory", new TimingSocketFactory(timeline, Stage.GREETING, sockets, reads));
        }
        props.setProperty(p + "socketFactory.fallback", "false");
        return props;
    }

    private static String reply(TimedSmtpTransport transport) {
        String r = transport.getLastServerResponse();
        if (r == null) {
            return "";
        }
        r = r.strip().replace('\r', ' ').replace('\n', ' ');
        return r.length() > MAX_REPLY ? r.substring(0, MAX_REPLY) + "..." : r;
    }

    private static void closeQuietly(TimedSmtpTransport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            logger.debug("Closing the SMTP connection after the probe; ignored. error={}", e.toString());
        }
    }
}
