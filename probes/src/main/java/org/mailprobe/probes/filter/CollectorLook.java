package org.mailprobe.probes.filter;

import java.util.List;
import java.util.Objects;
import org.mailprobe.probes.Reason;

/**
 * What one look into the mailbox found.
 *
 * @param found the outstanding samples seen, at most one sighting per sample (the first folder wins)
 * @param unmatched messages that look like our samples (our subject prefix) but match no outstanding one
 * @param failure {@link Reason#NONE} if the look worked; otherwise why it ended (what it found until then is kept)
 * @param detail for humans: folders that do not exist, deletions not done, what failed; empty if nothing to say
 */
public record CollectorLook(List<SampleSighting> found, int unmatched, Reason failure, String detail) {
    public CollectorLook {
        found = List.copyOf(found);
        Objects.requireNonNull(failure, "failure");
        detail = detail == null ? "" : detail;
        if (unmatched < 0) {
            throw new IllegalArgumentException("unmatched must not be negative");
        }
    }

    public boolean worked() {
        return failure == Reason.NONE;
    }
}
