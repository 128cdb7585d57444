package org.mailprobe.probes.filter;

import java.util.Objects;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.submit.SubmissionResult;

/**
 * One sample as it was sent: what it was, the token it carried, which way it went and what the
 * provider's SMTP service said.
 */
public record SentSample(FilterSample sample, ProbeToken token, SampleDirection direction, SubmissionResult send) {
    public SentSample {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(send, "send");
    }

    /** The token's key: how the sample is named in the journal and in its Message-ID. */
    public String key() {
        return token.key();
    }
}
