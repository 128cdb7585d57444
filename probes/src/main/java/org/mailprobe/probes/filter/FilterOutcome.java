package org.mailprobe.probes.filter;

import java.util.Locale;

/**
 * What the provider did with one filter sample: a closed set, a metric label. For a delivered
 * sample the order of precedence is {@link #CLEANED}, {@link #JUNK}, {@link #TAGGED},
 * {@link #UNTOUCHED}.
 */
public enum FilterOutcome {
    /** Refused in the SMTP dialogue (a 4xx or 5xx reply at RCPT or after DATA). */
    REJECTED,
    /** Accepted, and not seen in any watched folder by the route's timeout: quarantined or dropped. */
    WITHHELD,
    /** Delivered to a Junk (spam) folder. */
    JUNK,
    /** Delivered with its malicious part removed or replaced. */
    CLEANED,
    /** Delivered to the inbox with a spam or virus tag header matching the configured patterns. */
    TAGGED,
    /** Delivered to the inbox, untagged, content intact: a miss for virus and spam, right for clean. */
    UNTOUCHED,
    /** Our own send failed before the provider decided (connect, TLS, DNS, timeout): in no rate. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True if this outcome enters the rates: the provider decided something. */
    public boolean counted() {
        return this != FAILED;
    }

    /** True if the filter noticed the sample: the detection and spam-filtering rates, and a false positive. */
    public boolean detected() {
        return counted() && this != UNTOUCHED;
    }

    /** True if a virus did not reach the user intact: clause 6's removal rate. */
    public boolean removed() {
        return this == REJECTED || this == WITHHELD || this == CLEANED;
    }
}
