package org.mailprobe.probes.filter;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Reason;

/** What the provider did with one sample, from its send and where (and how) it was seen. */
public final class SampleVerdict {
    /** Said for a cleaned sample: its payload is gone from the delivered message. */
    public static final String ATTACHMENT_REMOVED = "attachment removed";

    private SampleVerdict() {}

    /**
     * The outcome of one sample: {@link FilterOutcome#FAILED} if our send failed before the provider
     * decided, {@link FilterOutcome#REJECTED} on a 4xx/5xx reply ({@link Reason#REJECTED}),
     * {@link FilterOutcome#WITHHELD} if accepted and not seen ({@code sighting} null: call it so only
     * once the sample's deadline has passed), else cleaned, junk, tagged, untouched, in that order,
     * from the sighting.
     */
    public static FilterOutcome classify(SentSample sent, @Nullable SampleSighting sighting) {
        Reason reason = sent.send().reason();
        if (reason == Reason.REJECTED) {
            return FilterOutcome.REJECTED;
        }
        if (reason != Reason.NONE) {
            // A sighting cannot rescue it: a sample we could not send was measured by nobody.
            return FilterOutcome.FAILED;
        }
        if (sighting == null) {
            return FilterOutcome.WITHHELD;
        }
        if (!sighting.intact()) {
            return FilterOutcome.CLEANED;
        }
        if (sighting.junkFolder()) {
            return FilterOutcome.JUNK;
        }
        if (sighting.tag() != null) {
            return FilterOutcome.TAGGED;
        }
        return FilterOutcome.UNTOUCHED;
    }

    /**
     * What decided the outcome, for the journal: the SMTP reply of a rejection ({@code 554 5.7.1 ...}),
     * {@code attachment removed}, {@code folder Junk}, the tag ({@code X-Spam-Flag: YES}); "" when
     * nothing decided (untouched, withheld, failed).
     */
    public static String decidedBy(SentSample sent, @Nullable SampleSighting sighting) {
        FilterOutcome outcome = classify(sent, sighting);
        switch (outcome) {
            case REJECTED:
                return sent.send().lastReply();
            case CLEANED:
                return ATTACHMENT_REMOVED;
            case JUNK:
                return "folder " + Objects.requireNonNull(sighting, "sighting").folder();
            case TAGGED:
                return Objects.requireNonNullElse(Objects.requireNonNull(sighting, "sighting").tag(), "");
            default:
                return "";
        }
    }
}
