package org.mailprobe.probes.submit;

import java.time.Instant;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.internal.StageTimeline;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Submits one probe message to a provider's submission service and times every stage of the
 * dialogue. The moment of the server's 250 after DATA is the send timestamp all delays start from.
 * Never throws for a network fault: every failure becomes a {@link SubmissionResult} with a
 * {@link Reason}.
 */
public final class SubmissionProbe {
    private final SmtpDialogue dialogue;
    private final TokenSigner signer;
    private final ProbeClock clock;

    /** @param clock dates the stages; its 250 after DATA is the instant every delay starts from */
    public SubmissionProbe(SubmissionSettings settings, TokenSigner signer, ProbeClock clock) {
        this.dialogue = new SmtpDialogue(settings.endpoint(), settings.account(), false, settings.tls(),
                settings.timeouts(), settings.localHost(), clock);
        this.signer = signer;
        this.clock = clock;
    }

    /**
     * Sends a probe carrying {@code token} from {@code from} to {@code to}, giving up at
     * {@code deadline}.
     */
    public SubmissionResult submit(String from, String to, ProbeToken token, Instant deadline) {
        return submit(from, to, token, deadline, HoldBeforeData.NONE);
    }

    /**
     * As {@link #submit(String, String, ProbeToken, Instant)}, waiting after RCPT TO until
     * {@code hold} lets DATA go (the wait counted in no stage); a hold given up ends the dialogue
     * without DATA, reason {@link Reason#TIMEOUT}, the message not sent.
     */
    public SubmissionResult submit(String from, String to, ProbeToken token, Instant deadline, HoldBeforeData hold) {
        return send(to, token, session -> ProbeMessage.build(session, from, to, token, signer), deadline, hold);
    }

    /**
     * Submits {@code message} instead of the probe message, to {@code to} only (its envelope
     * sender is the message's From), timed and classified as a probe's submission; {@code token}
     * names it in the result and the logs.
     */
    public SubmissionResult submitMessage(String to, ProbeToken token, OutgoingMessage message, Instant deadline) {
        return send(to, token, message, deadline, HoldBeforeData.NONE);
    }

    private SubmissionResult send(String to, ProbeToken token, OutgoingMessage message, Instant deadline,
            HoldBeforeData hold) {
        dialogue.fetchTokenAhead(deadline); // before the clock starts: see there
        StageTimeline timeline = new StageTimeline(clock);
        Instant started = timeline.begin(Stage.DNS);
        return dialogue.send(to, token, message, timeline, started, deadline, hold).result();
    }
}
