package org.mailprobe.probes.filter;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.submit.JndiMxResolver;
import org.mailprobe.probes.submit.MxDeliveryProbe;
import org.mailprobe.probes.submit.MxDeliverySettings;
import org.mailprobe.probes.submit.MxResolver;
import org.mailprobe.probes.submit.OutgoingMessage;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Sends one stamped sample: inbound as a source mail server to the provider's MX, exactly as the
 * receive leg's {@link MxDeliveryProbe} delivers (MX lookup or a configured host, STARTTLS as
 * configured, no AUTH); outbound through the submission service, as {@link SubmissionProbe} does
 * (with AUTH). The same timed dialogue as the probes, so a refusal at RCPT or after DATA is
 * {@link Reason#REJECTED} with the server's reply in {@link SubmissionResult#lastReply()}. Never
 * throws for a network fault.
 */
public final class SampleSender {
    private final @Nullable MxDeliveryProbe inbound;
    private final @Nullable SubmissionProbe outbound;
    private final TokenSigner signer;

    /**
     * @param inbound how to reach the provider's MX; null if this route sends no inbound samples
     * @param outbound the submission service and its login; null if this route sends no outbound samples
     */
    public SampleSender(@Nullable MxDeliverySettings inbound, @Nullable SubmissionSettings outbound, TokenSigner signer,
            ProbeClock clock) {
        this(inbound, outbound, signer, new JndiMxResolver(clock), clock);
    }

    /** As the other constructor, looking MX hosts up with {@code resolver}. */
    public SampleSender(@Nullable MxDeliverySettings inbound, @Nullable SubmissionSettings outbound, TokenSigner signer,
            MxResolver resolver, ProbeClock clock) {
        if (inbound == null && outbound == null) {
            throw new IllegalArgumentException("a sample sender needs an inbound or an outbound path, or both");
        }
        this.inbound = inbound == null ? null : new MxDeliveryProbe(inbound, signer, resolver, clock);
        this.outbound = outbound == null ? null : new SubmissionProbe(outbound, signer, clock);
        this.signer = signer;
    }

    /** True if this sender has the path for {@code direction}. */
    public boolean sends(SampleDirection direction) {
        return (direction == SampleDirection.INBOUND ? inbound : outbound) != null;
    }

    /**
     * Sends {@code sample}, stamped with {@code token}, from {@code from} to {@code to} (and to
     * no one else, whatever a corpus message's headers named), giving up at {@code deadline}.
     * IllegalArgumentException (a bug, not a fault) for a direction this sender has no path for or
     * an address that is not one.
     */
    public SubmissionResult send(FilterSample sample, ProbeToken token, SampleDirection direction, String from,
            String to, Instant deadline) {
        checkAddress("from", from);
        checkAddress("to", to);
        OutgoingMessage message = session -> SampleMessages.stamp(session, sample, token, signer, from, to);
        if (direction == SampleDirection.INBOUND) {
            if (inbound == null) {
                throw new IllegalArgumentException("this sample sender has no inbound path (route " + token.route() + ")");
            }
            return inbound.deliverMessage(to, token, message, deadline).delivery();
        }
        if (outbound == null) {
            throw new IllegalArgumentException("this sample sender has no outbound path (route " + token.route() + ")");
        }
        return outbound.submitMessage(to, token, message, deadline);
    }

    private static void checkAddress(String what, String address) {
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException(what + " address '" + address + "' is not an address: " + e.getMessage(), e);
        }
    }
}
