package org.mailprobe.probes.filter;

import java.util.Objects;

/**
 * One filter sample as defined, before it is sent: what it is meant to be taken for, its variant
 * (a built-in such as {@code eicar-zip}, or {@code corpus:FILE} for a customer's sample) and how its
 * message is built. It gets its token only when sent.
 */
public record FilterSample(SampleKind kind, String variant, MessageTemplate template) {
    public FilterSample {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(template, "template");
        if (variant.isBlank()) {
            throw new IllegalArgumentException("a sample needs a variant name");
        }
    }
}
