package org.mailprobe.probes.submit;

import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.StageTimeline;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Delivers one probe straight to the recipient domain's mail exchanger on port 25, as the source
 * MTA of the receive leg: MX lookup (or a configured host), EHLO with our name, STARTTLS when
 * offered (or required), no AUTH, MAIL, RCPT, DATA. The MX's 250 after DATA is the moment the
 * receive delay starts from. Never throws for a network fault.
 */
public final class MxDeliveryProbe {
    private final MxDeliverySettings settings;
    private final TokenSigner signer;
    private final MxResolver resolver;
    private final ProbeClock clock;

    /** @param clock dates the stages; its 250 after DATA is the instant the receive delay starts from */
    public MxDeliveryProbe(MxDeliverySettings settings, TokenSigner signer, ProbeClock clock) {
        this(settings, signer, new JndiMxResolver(clock), clock);
    }

    public MxDeliveryProbe(MxDeliverySettings settings, TokenSigner signer, MxResolver resolver, ProbeClock clock) {
        this.settings = settings;
        this.signer = signer;
        this.resolver = resolver;
        this.clock = clock;
    }

    /**
     * Delivers a probe carrying {@code token} from {@code from} to {@code to}, giving up at
     * {@code deadline}. On a connection failure (or an exchange whose name does not resolve) the
     * next exchange in preference order is tried while the deadline allows (RFC 5321 section
     * 5.1); any other failure ends the probe: one attempt, no hidden retries.
     */
    public MxDeliveryResult deliver(String from, String to, ProbeToken token, Instant deadline) {
        return deliver(from, to, token, deadline, HoldBeforeData.NONE);
    }

    /** As {@link #deliver(String, String, ProbeToken, Instant)}, held before DATA by {@code hold} (see {@link SubmissionProbe}). */
    public MxDeliveryResult deliver(String from, String to, ProbeToken token, Instant deadline, HoldBeforeData hold) {
        return deliver(to, token, session -> ProbeMessage.build(session, from, to, token, signer), deadline, hold);
    }

    /**
     * Delivers {@code message} instead of the probe message, to {@code to} only (its envelope
     * sender is the message's From), with the same exchanges, timing and classification as a
     * probe; {@code token} names it in the result and the logs.
     */
    public MxDeliveryResult deliverMessage(String to, ProbeToken token, OutgoingMessage message, Instant deadline) {
        return deliver(to, token, message, deadline, HoldBeforeData.NONE);
    }

    private MxDeliveryResult deliver(String to, ProbeToken token, OutgoingMessage message, Instant deadline,
            HoldBeforeData hold) {
        StageTimeline timeline = new StageTimeline(clock);
        Instant started = timeline.begin(Stage.DNS);
        List<String> hosts;
        try {
            hosts = exchanges(deadline);
        } catch (UnknownHostException | DeadlineExceededException e) {
            Reason reason = e instanceof DeadlineExceededException ? Reason.TIMEOUT : Reason.DNS;
            timeline.end();
            return new MxDeliveryResult(new SubmissionResult(token, reason, Stage.DNS, started, null,
                    timeline.durations(), "", FailureClassifier.describe(e)), "", List.of(), "");
        }
        List<String> tried = new ArrayList<>();
        SmtpDialogue.Attempt attempt = null;
        for (String host : hosts) {
            timeline.reopen();
            tried.add(host);
            attempt = dialogue(host).send(to, token, message, timeline, started, deadline, hold);
            Reason reason = attempt.result().reason();
            boolean nextMayHelp = reason == Reason.CONNECT || reason == Reason.DNS;
            if (!nextMayHelp || !clock.now().isBefore(deadline)) {
                break;
            }
        }
        // exchanges() is never empty, so the loop ran at least once.
        SmtpDialogue.Attempt last = Objects.requireNonNull(attempt);
        return new MxDeliveryResult(last.result(), tried.get(tried.size() - 1), tried, last.tlsProtocol());
    }

    /** The configured host, else the MX hosts, else the domain itself (the implicit MX, RFC 5321 section 5.1). */
    private List<String> exchanges(Instant deadline) throws UnknownHostException, DeadlineExceededException {
        if (settings.host() != null && !settings.host().isBlank()) {
            return List.of(settings.host());
        }
        // MxDeliverySettings holds a domain where it holds no host.
        String domain = Objects.requireNonNull(settings.domain(), "domain");
        List<String> mx = resolver.exchanges(domain, deadline);
        return mx.isEmpty() ? List.of(domain) : mx;
    }

    private SmtpDialogue dialogue(String host) {
        return new SmtpDialogue(new ServerEndpoint(host, settings.port(), TlsMode.STARTTLS), null,
                !settings.requireStartTls(), settings.tls(), settings.timeouts(), settings.heloName(), clock);
    }
}
