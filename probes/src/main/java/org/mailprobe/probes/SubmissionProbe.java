package org.mailprobe.probes;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits one probe message to a provider's submission service and times every stage of the
 * dialogue. The moment of the server's 250 after DATA is the send timestamp all delays start from.
 * Never throws for a network fault: every failure becomes a {@link SubmissionResult} with a
 * {@link Reason}.
 */
public final class SubmissionProbe {
    private static final Logger logger = LoggerFactory.getLogger(SubmissionProbe.class);
    private static final int MAX_REPLY = 200;

    private final SubmissionSettings settings;
    private final TokenSigner signer;
    private final ProbeClock clock;

    public SubmissionProbe(SubmissionSettings settings, TokenSigner signer) {
        this.settings = settings;
        this.signer = signer;
        this.clock = ProbeClock.system();
    }

    /**
     * Sends a probe carrying {@code token} from {@code from} to {@code to}, giving up at
     * {@code deadline}.
     */
    public SubmissionResult submit(String from, String to, ProbeToken token, Instant deadline) {
        StageTimeline timeline = new StageTimeline(clock);
        Instant started = timeline.begin(Stage.DNS);
        SocketHolder sockets = new SocketHolder();
        TimedSmtpTransport transport = null;
        try (Watchdog.Armed armed = Watchdog.arm(started, deadline, sockets::close)) {
            DnsLookup.resolve(settings.endpoint().host(), started, deadline);
            Instant connectStart = timeline.begin(Stage.CONNECT);
            Session session = MailSessions.session(properties(timeline, sockets, connectStart, deadline));
            transport = new TimedSmtpTransport(session, implicit(), timeline);
            Account account = settings.account();
            if (account == null) {
                transport.connect();
            } else {
                transport.connect(account.user(), account.password().reveal());
            }
            MimeMessage message = ProbeMessage.build(session, from, to, token, signer);
            transport.sendMessage(message, message.getAllRecipients());
            Instant accepted = timeline.end();
            String reply = reply(transport);
            closeQuietly(transport);
            return new SubmissionResult(token, Reason.NONE, null, started, accepted, timeline.durations(), reply, "");
        } catch (Exception | LinkageError e) {
            Instant failedAt = timeline.end();
            Stage stage = timeline.current();
            Reason reason = sockets.closedByWatchdog() || !failedAt.isBefore(deadline)
                    ? Reason.TIMEOUT : refine(FailureClassifier.classify(e), stage);
            if (reason == Reason.INTERNAL) {
                logger.warn("Submission failed with an internal error. route={} stage={}", token.route(),
                        stage.label(), e);
            }
            String reply = transport == null ? "" : reply(transport);
            sockets.close();
            return new SubmissionResult(token, reason, stage, started, null, timeline.durations(), reply,
                    FailureClassifier.describe(e));
        }
    }

    /** A failure while STARTTLS was in progress that is not about certificates is STARTTLS's. */
    private static Reason refine(Reason reason, Stage stage) {
        if (stage == Stage.STARTTLS && (reason == Reason.PROTOCOL || reason == Reason.REJECTED)) {
            return Reason.STARTTLS;
        }
        if (stage == Stage.AUTH && reason == Reason.PROTOCOL) {
            return Reason.AUTH;
        }
        return reason;
    }

    private boolean implicit() {
        return settings.endpoint().tlsMode() == TlsMode.IMPLICIT;
    }

    private Properties properties(StageTimeline timeline, SocketHolder sockets, Instant now, Instant deadline) {
        Properties props = MailSessions.properties("smtp", settings.endpoint(), settings.tls(), settings.timeouts(),
                settings.localHost(), now, deadline);
        String p = "mail." + MailSessions.protocol("smtp", settings.endpoint().tlsMode()) + ".";
        props.setProperty(p + "auth", Boolean.toString(settings.account() != null));
        props.put(p + "ssl.socketFactory",
                new TimingSslSocketFactory(settings.tls().socketFactory(), timeline, implicit(), sockets));
        if (!implicit()) {
            props.put(p + "socketFactory", new TimingSocketFactory(timeline, Stage.GREETING, sockets));
        }
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
            logger.debug("Closing the SMTP connection after the probe failed; ignored. error={}", e.toString());
        }
    }
}
