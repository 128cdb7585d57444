package org.mailprobe.probes.received;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the clause part of a Received header (everything before the date) into words and
 * comments, in one pass with no backtracking and no recursion, so ten thousand nested
 * parentheses cost ten thousand steps.
 *
 * <p>Comments are found by {@link CommentScanner}. A comment left open runs to the end of the text (what a reader of the header would assume); a stray {@code )} outside
 * any comment is a separator. Words end at whitespace, a parenthesis or a {@code ;} outside a
 * quoted string ({@code for <"john smith"@example.org>}, RFC 5321 section 4.1.2).
 */
final class TraceTokens {
    /** A word ({@code comment == false}) or a comment's inner text, nested parentheses kept. */
    record Token(boolean comment, String text) {}

    private TraceTokens() {}

    static List<Token> of(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '(') {
                int end = CommentScanner.end(text, i);
                boolean open = end == CommentScanner.UNTERMINATED;
                tokens.add(new Token(true, open ? text.substring(i + 1) : text.substring(i + 1, end - 1)));
                i = open ? n : end;
            } else if (c == ' ' || c == '\t' || c == ')' || c == ';') {
                i++;
            } else {
                int start = i;
                while (i < n && !isWordEnd(text.charAt(i))) {
                    i = text.charAt(i) == '"' ? quoteEnd(text, i) : i + 1;
                }
                tokens.add(new Token(false, text.substring(start, i)));
            }
        }
        return tokens;
    }

    /** Index just after the quoted string opened at {@code open}, or the text's length if it never closes. */
    private static int quoteEnd(String text, int open) {
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return text.length();
    }

    private static boolean isWordEnd(char c) {
        return c == ' ' || c == '\t' || c == '(' || c == ')' || c == ';';
    }
}
