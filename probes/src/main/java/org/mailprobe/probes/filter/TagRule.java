package org.mailprobe.probes.filter;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A filter's tag: a header whose value matches a pattern (SpamAssassin's {@code X-Spam-Flag: YES},
 * clamav-milter's {@code X-Virus-Status: Infected}).
 *
 * @param header the header name, matched without regard to case
 * @param pattern found anywhere in any of the header's (unfolded) values
 */
public record TagRule(String header, Pattern pattern) {
    public TagRule {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(pattern, "pattern");
        if (header.isBlank()) {
            throw new IllegalArgumentException("a tag rule needs a header name");
        }
    }

    /** True if {@code value}, one value of this rule's header, is a tag. */
    public boolean matches(String value) {
        return pattern.matcher(value).find();
    }

    /** What decided, for the journal: {@code X-Spam-Flag: YES}. */
    public String evidence(String value) {
        String v = value.strip().replace('\r', ' ').replace('\n', ' ');
        return header + ": " + (v.length() > 120 ? v.substring(0, 120) + "..." : v);
    }
}
