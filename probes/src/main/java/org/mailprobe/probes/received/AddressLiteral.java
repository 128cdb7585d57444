package org.mailprobe.probes.received;

import org.jspecify.annotations.Nullable;

/**
 * Finds a client's IP address in a Received header's {@code from} clause. RFC 5321 section 4.4
 * puts it in the TCP-info as an address literal ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]},
 * section 4.1.3); Exchange writes it bare in parentheses; Exim may add a port after the bracket;
 * GreenMail writes the bare address as the {@code from} word. Checks are by character class only:
 * this recognises an address, it does not validate one.
 */
final class AddressLiteral {
    private AddressLiteral() {}

    /**
     * The address in a TCP-info comment: its first bracketed literal that is not a {@code key=}
     * value (Exim's {@code helo=[192.168.1.20]} is what the client claimed, not where it came
     * from), else a leading bare address (Exchange). Linear: once a {@code [} has no {@code ]}
     * after it, no later one can.
     */
    static @Nullable String inComment(String comment) {
        int open = comment.indexOf('[');
        while (open >= 0) {
            int close = comment.indexOf(']', open);
            if (close < 0) {
                break;
            }
            boolean keyValue = open > 0 && comment.charAt(open - 1) == '=';
            String literal = keyValue ? null : ip(comment.substring(open + 1, close));
            if (literal != null) {
                return literal;
            }
            open = comment.indexOf('[', close);
        }
        String trimmed = comment.strip();
        int end = 0;
        while (end < trimmed.length() && trimmed.charAt(end) != ' ') {
            end++;
        }
        return ip(trimmed.substring(0, end));
    }

    /** The address a {@code from} word is, if it is one ({@code [192.0.2.1]:25}, {@code 127.0.0.1}). */
    static @Nullable String of(@Nullable String word) {
        if (word == null) {
            return null;
        }
        if (word.startsWith("[")) {
            int close = word.indexOf(']');
            return close > 0 ? ip(word.substring(1, close)) : null;
        }
        return ip(word);
    }

    /** The text as an address (without an {@code IPv6:} tag), or null if it is not one. */
    static @Nullable String ip(String text) {
        String t = text.regionMatches(true, 0, "IPv6:", 0, 5) ? text.substring(5) : text;
        if (t.isEmpty() || t.length() > 45) {
            return null;
        }
        int dots = 0;
        int colons = 0;
        boolean hexLetter = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c == ':') {
                colons++;
            } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                hexLetter = true;
            } else if (c < '0' || c > '9') {
                return null;
            }
        }
        boolean v4 = colons == 0 && dots == 3 && !hexLetter;
        boolean v6 = (colons == 7 || t.contains("::")) && (dots == 0 || dots == 3);
        return v4 || v6 ? t : null;
    }
}
