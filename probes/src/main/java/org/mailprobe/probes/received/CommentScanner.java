package org.mailprobe.probes.received;

/**
 * Finds where an RFC 5322 comment ends (section 3.2.2: comments nest, and a quoted pair such as
 * {@code \)} escapes the character after the backslash). The date reader, the clause tokenizer
 * and the date split all skip comments through it, so they agree on what a comment is.
 *
 * <p>One pass with a depth counter, no recursion and no backtracking: a hundred thousand nested
 * parentheses cost a hundred thousand steps, and a caller that jumps past each comment it meets
 * reads its whole text in linear time.
 */
final class CommentScanner {
    /** What {@link #end} returns for a comment that is still open at the end of the text. */
    static final int UNTERMINATED = -1;

    private CommentScanner() {}

    /**
     * The index just after the comment whose {@code (} is at {@code open}, or {@link #UNTERMINATED}
     * if the text ends first (a reader of the header would take it to run to the end).
     */
    static int end(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return UNTERMINATED;
    }
}
