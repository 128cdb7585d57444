package org.mailprobe.probes.filter;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One sample found again in a watched folder.
 *
 * @param sampleKey the sample's token key
 * @param folder the folder it was seen in, by its full name
 * @param junkFolder true if that folder is a Junk folder (SPECIAL-USE {@code \Junk}, or named so in the settings)
 * @param seenAt when the look saw it, agent clock
 * @param matchedBy {@code token}, {@code message-id} or {@code subject}: what survived the filter
 * @param tag the evidence of the first tag rule that matched ({@link TagRule#evidence}), or null
 * @param intact true if the payload the sample was sent with is still there
 * @param deleted true if the agent deleted (and expunged) it: only a sample matched by its verified token
 */
public record SampleSighting(String sampleKey, String folder, boolean junkFolder, Instant seenAt, String matchedBy,
        @Nullable String tag, boolean intact, boolean deleted) {
    public static final String BY_TOKEN = "token";
    public static final String BY_MESSAGE_ID = "message-id";
    public static final String BY_SUBJECT = "subject";

    public SampleSighting {
        Objects.requireNonNull(sampleKey, "sampleKey");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(seenAt, "seenAt");
        Objects.requireNonNull(matchedBy, "matchedBy");
        if (!BY_TOKEN.equals(matchedBy) && !BY_MESSAGE_ID.equals(matchedBy) && !BY_SUBJECT.equals(matchedBy)) {
            throw new IllegalArgumentException("matchedBy must be token, message-id or subject: " + matchedBy);
        }
    }
}
