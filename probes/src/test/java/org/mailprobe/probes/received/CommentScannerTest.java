package org.mailprobe.probes.received;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 5322 section 3.2.2 comments, as the one scanner that the Received reader's three parts share sees them. */
@Timeout(10)
class CommentScannerTest {
    /** A hang guard, not a performance claim. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(5);

    @Test
    void aFlatCommentEndsAfterItsClosingParenthesis() {
        assertEquals(7, CommentScanner.end("x (abc) y", 2));
    }

    @Test
    void aNestedCommentEndsAtTheParenthesisThatClosesTheOutermost() {
        assertEquals(13, CommentScanner.end("(a (b (c)) d) e", 0));
    }

    @Test
    void aQuotedPairEscapesAClosingParenthesis() {
        assertEquals(8, CommentScanner.end("(a \\) b) c", 0));
    }

    @Test
    void aQuotedPairEscapesAnOpeningParenthesis() {
        assertEquals(8, CommentScanner.end("(a \\( b) c", 0));
    }

    @Test
    void aQuotedBackslashDoesNotEscapeTheParenthesisAfterIt() {
        assertEquals(6, CommentScanner.end("(a \\\\) b)", 0));
    }

    @Test
    void anUnterminatedCommentHasNoEnd() {
        assertEquals(CommentScanner.UNTERMINATED, CommentScanner.end("(a (b) c", 0));
    }

    @Test
    void aBackslashThatEndsTheTextLeavesTheCommentUnterminated() {
        assertEquals(CommentScanner.UNTERMINATED, CommentScanner.end("(a \\", 0));
    }

    @Test
    void hostileHundredThousandDeepNestingIsScannedInOnePass() {
        String deep = "(".repeat(100_000) + ")".repeat(100_000) + " after";
        assertEquals(200_000, assertTimeoutPreemptively(HANG_GUARD, () -> CommentScanner.end(deep, 0)));
    }

    @Test
    void hostileHundredThousandDeepNestingLeftOpenIsUnterminated() {
        String deep = "(".repeat(100_000) + ")".repeat(99_999);
        assertEquals(CommentScanner.UNTERMINATED, assertTimeoutPreemptively(HANG_GUARD, () -> CommentScanner.end(deep, 0)));
    }
}
