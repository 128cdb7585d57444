package org.mailprobe.probes.filter;

import java.util.Locale;

/** What a filter sample is meant to be taken for: a closed set, a metric label. */
public enum SampleKind {
    /** Carries a virus test pattern (EICAR, or a customer's virus sample). */
    VIRUS,
    /** Carries a spam test pattern (GTUBE, or a customer's spam sample). */
    SPAM,
    /** A clean control: must arrive untouched; anything else counts against the filter. */
    CLEAN;

    /** The value used in metric labels, the journal and the report. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
