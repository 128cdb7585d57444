package org.mailprobe.probes.received;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads one Received header into a {@link ReceivedHop}, tolerating what real servers write.
 *
 * <p>The grammar (RFC 5321 section 4.4 {@code Stamp}, RFC 5322 section 3.6.7 {@code received})
 * is a list of clauses, each a keyword and a value, then {@code ;} and the date. Servers bend it:
 * Exchange writes several words as a value ({@code with Microsoft SMTP Server}, {@code via
 * Frontend Transport}), Exim and Postfix put words and comments between clauses ({@code tls
 * TLS_AES_256_GCM_SHA384}, {@code (using TLSv1.3 ...)}), Sendmail puts a comment after the date,
 * keywords come in any case and clauses go missing. So the reader is a small state machine over
 * {@link TraceTokens}: a keyword opens a clause; the next word is its value; {@code with} and
 * {@code via} take further words until a comment or keyword; unknown words are skipped; comments
 * after {@code from} are its TCP-info (where the client's address is); the first value of a
 * clause wins.
 */
final class ReceivedParser {
    private static final char REPLACEMENT = '\uFFFD';
    private static final Set<String> KEYWORDS = Set.of("from", "by", "via", "with", "id", "for");

    private ReceivedParser() {}

    static ReceivedHop parse(String headerValue) {
        String raw = unfolded(headerValue == null ? "" : headerValue);
        int split = dateSplit(raw);
        String clauses = split < 0 ? raw : raw.substring(0, split);
        Instant timestamp = split < 0 ? null : MailDate.parse(raw.substring(split + 1));
        Clauses found = new Clauses();
        for (TraceTokens.Token token : TraceTokens.of(withoutName(clauses))) {
            found.accept(token);
        }
        found.endWords();
        String fromAddress = found.fromAddress != null ? found.fromAddress : AddressLiteral.of(found.from);
        return new ReceivedHop(found.from, fromAddress, found.by, found.via, found.with, found.id,
                angleless(found.forAddress), timestamp, raw);
    }

    /**
     * Cuts to {@link ReceivedHop#MAX_HEADER_CHARS}, then unfolds (RFC 5322 section 2.2.3: a line
     * break followed by white space is removed); a bare CR or LF becomes a space, a tab a space,
     * and other control characters U+FFFD, so that the text is safe to log and show.
     */
    static String unfolded(String value) {
        int n = Math.min(value.length(), ReceivedHop.MAX_HEADER_CHARS);
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                char next = i + 1 < n ? value.charAt(i + 1) : ' ';
                if (next != ' ' && next != '\t' && next != '\r' && next != '\n') {
                    out.append(' ');
                }
            } else if (c == '\t') {
                out.append(' ');
            } else if (c < ' ' || c == 0x7f) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString().strip();
    }

    /**
     * Where the date starts: the last {@code ;} outside comments (RFC 5322 section 3.6.7), or
     * failing that (a comment left open) the last {@code ;} at all; -1 if there is none.
     */
    static int dateSplit(String text) {
        int lastTopLevel = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                int end = CommentScanner.end(text, i);
                if (end == CommentScanner.UNTERMINATED) {
                    return text.lastIndexOf(';');
                }
                i = end - 1;
            } else if (c == ';') {
                lastTopLevel = i;
            }
        }
        return lastTopLevel;
    }

    /** Someone may hand us the whole field; the value is what follows {@code Received:}. */
    private static String withoutName(String text) {
        return text.regionMatches(true, 0, "Received:", 0, 9) ? text.substring(9) : text;
    }

    private static @Nullable String angleless(@Nullable String address) {
        if (address == null) {
            return null;
        }
        String a = address;
        while (!a.isEmpty() && (a.endsWith(",") || a.endsWith(";"))) {
            a = a.substring(0, a.length() - 1);
        }
        if (a.startsWith("<")) {
            a = a.substring(1);
        }
        if (a.endsWith(">")) {
            a = a.substring(0, a.length() - 1);
        }
        return a.isEmpty() ? null : a;
    }

    /** The state machine; see the class comment. */
    private static final class Clauses {
        @Nullable String from;
        @Nullable String fromAddress;
        @Nullable String by;
        @Nullable String via;
        @Nullable String with;
        @Nullable String id;
        @Nullable String forAddress;
        private @Nullable String open;
        private boolean awaitingValue;
        private @Nullable StringBuilder words;

        void accept(TraceTokens.Token token) {
            if (token.comment()) {
                if ("from".equals(open) && fromAddress == null) {
                    fromAddress = AddressLiteral.inComment(token.text());
                }
                endWords();
                awaitingValue = false;
                return;
            }
            String keyword = keyword(token.text());
            if (keyword != null) {
                endWords();
                open = keyword;
                awaitingValue = true;
            } else if (awaitingValue) {
                awaitingValue = false;
                if (get(Objects.requireNonNull(open)) == null) {
                    if ("with".equals(open) || "via".equals(open)) {
                        words = new StringBuilder(token.text());
                    } else {
                        set(Objects.requireNonNull(open), token.text());
                    }
                }
            } else if (words != null) {
                words.append(' ').append(token.text());
            }
        }

        void endWords() {
            if (words != null) {
                set(Objects.requireNonNull(open), words.toString());
                words = null;
            }
        }

        private @Nullable String get(String clause) {
            return switch (clause) {
                case "from" -> from;
                case "by" -> by;
                case "via" -> via;
                case "with" -> with;
                case "id" -> id;
                default -> forAddress;
            };
        }

        private void set(String clause, String value) {
            switch (clause) {
                case "from" -> from = value;
                case "by" -> by = value;
                case "via" -> via = value;
                case "with" -> with = value;
                case "id" -> id = value;
                default -> forAddress = value;
            }
        }

        private static @Nullable String keyword(String word) {
            if (word.length() < 2 || word.length() > 4) {
                return null;
            }
            String lower = word.toLowerCase(Locale.ROOT);
            return KEYWORDS.contains(lower) ? lower : null;
        }
    }
}
