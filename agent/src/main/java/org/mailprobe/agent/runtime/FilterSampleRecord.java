package org.mailprobe.agent.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.filter.FilterOutcome;
import org.mailprobe.probes.filter.SampleDirection;
import org.mailprobe.probes.filter.SampleKind;

/**
 * The evidence of one filter sample once its outcome is known: a {@code filter_sample} journal
 * record (issue 14), its fields in this order, an absent value left out rather than written null.
 *
 * @param sample the token key ({@code agent/route/sequence})
 * @param accepted the provider's 250 after DATA; null if it never came
 * @param reason the probe reason, for outcome {@code failed} only
 * @param smtpReply the last SMTP reply, bounded to {@link #MAX_REPLY} characters; may be empty
 * @param folder where the sample was seen; null if not seen (and then so are the rest)
 * @param matchedBy {@code token}, {@code message-id} or {@code subject}
 * @param decidedBy what decided the outcome ({@code X-Spam-Flag: YES}, {@code folder Junk});
 *     empty for untouched, withheld and failed
 * @param deleted whether the agent deleted it (only ever when matched by a verified token)
 */
record FilterSampleRecord(String sample, String route, SampleKind kind, String variant, SampleDirection direction,
        Instant sentAt, @Nullable Instant accepted, FilterOutcome outcome, @Nullable Reason reason, String smtpReply,
        @Nullable String folder, @Nullable Instant seenAt, @Nullable String matchedBy, String decidedBy,
        boolean deleted) {
    /** The most of a reply kept: a provider's rejection text is evidence, a page of it is not. */
    static final int MAX_REPLY = 512;
    static final String TYPE = "filter_sample";

    FilterSampleRecord {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(outcome, "outcome");
        smtpReply = smtpReply == null ? "" : bounded(smtpReply);
        decidedBy = decidedBy == null ? "" : decidedBy;
    }

    ObjectNode json() {
        ObjectNode r = Journal.newRecord();
        r.put("sample", sample);
        r.put("route", route);
        r.put("kind", kind.label());
        r.put("variant", variant);
        r.put("direction", direction.label());
        r.put("sent_at", sentAt.toString());
        if (accepted != null) {
            r.put("accepted", accepted.toString());
        }
        r.put("outcome", outcome.label());
        if (outcome == FilterOutcome.FAILED && reason != null) {
            r.put("reason", reason.label());
        }
        r.put("smtp_reply", smtpReply);
        if (folder != null) {
            r.put("folder", folder);
            if (seenAt != null) {
                r.put("seen_at", seenAt.toString());
            }
            if (matchedBy != null) {
                r.put("matched_by", matchedBy);
            }
        }
        if (!decidedBy.isEmpty()) {
            r.put("decided_by", decidedBy);
        }
        if (folder != null) {
            r.put("deleted", deleted);
        }
        return r;
    }

    private static String bounded(String reply) {
        String oneLine = reply.replace('\r', ' ').replace('\n', ' ').strip();
        return oneLine.length() > MAX_REPLY ? oneLine.substring(0, MAX_REPLY) + "..." : oneLine;
    }
}
