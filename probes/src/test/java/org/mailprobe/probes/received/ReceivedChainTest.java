package org.mailprobe.probes.received;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceivedChainTest {
    static String hop(String by, String date) {
        return "from a.example by " + by + " with ESMTP id x; " + date;
    }

    @Test
    void topmostHeaderIsTheLastHop() {
        ReceivedChain chain = ReceivedChain.parse(List.of(
                hop("third.example", "Mon, 1 Jan 2024 10:00:05 +0000"),
                hop("second.example", "Mon, 1 Jan 2024 10:00:02 +0000"),
                hop("first.example", "Mon, 1 Jan 2024 10:00:00 +0000")));
        assertEquals(List.of("first.example", "second.example", "third.example"),
                chain.hops().stream().map(ReceivedHop::by).toList());
    }

    @Test
    void hopDelaysAreEachStampMinusThePreviousAndTheFirstIsNull() {
        ReceivedChain chain = ReceivedChain.parse(List.of(
                hop("c.example", "Mon, 1 Jan 2024 10:00:05 +0000"),
                hop("b.example", "Mon, 1 Jan 2024 10:00:02 +0000"),
                hop("a.example", "Mon, 1 Jan 2024 10:00:00 +0000")));
        assertEquals(Arrays.asList(null, Duration.ofSeconds(2), Duration.ofSeconds(3)), chain.hopDelays());
    }

    @Test
    void negativeDelayFromClockSkewIsKeptNotClamped() {
        ReceivedChain chain = ReceivedChain.parse(List.of(
                hop("b.example", "Mon, 1 Jan 2024 09:59:57 +0000"),
                hop("a.example", "Mon, 1 Jan 2024 10:00:00 +0000")));
        assertEquals(Duration.ofSeconds(-3), chain.hopDelays().get(1));
    }

    @Test
    void delayIsNullWhereEitherStampIsMissing() {
        ReceivedChain chain = ReceivedChain.parse(List.of(
                hop("c.example", "Mon, 1 Jan 2024 10:00:05 +0000"),
                "from a.example by b.example id y",
                hop("a.example", "Mon, 1 Jan 2024 10:00:00 +0000")));
        assertEquals(Arrays.asList(null, null, null), chain.hopDelays());
    }

    @Test
    void foldedHeaderIsUnfoldedWithCrLfOrBareLfAndTabsOrSpaces() {
        String crlf = "from relay.example (relay.example [192.0.2.9])\r\n\tby mx.example (Postfix)\r\n"
                + "  with ESMTPS id Q1\r\n\tfor <u@example.org>;\r\n\tMon, 1 Jan 2024\r\n 10:00:00 +0000";
        ReceivedHop hop = ReceivedHop.parse(crlf);
        assertEquals("relay.example", hop.from());
        assertEquals("192.0.2.9", hop.fromAddress());
        assertEquals("mx.example", hop.by());
        assertEquals("ESMTPS", hop.with());
        assertEquals("Q1", hop.id());
        assertEquals("u@example.org", hop.forAddress());
        assertEquals(Instant.parse("2024-01-01T10:00:00Z"), hop.timestamp());
        assertTrue(hop.raw().indexOf('\r') < 0 && hop.raw().indexOf('\n') < 0, hop.raw());
        assertEquals(hop, ReceivedHop.parse(crlf.replace("\r\n", "\n")));
    }

    @Test
    void headerFieldNameIsToleratedWhenTheWholeFieldIsGiven() {
        assertEquals("mx.example", ReceivedHop.parse("Received: from a by mx.example; Mon, 1 Jan 2024 10:00:00 +0000").by());
    }

    @Test
    void dateIsTakenAfterTheLastSemicolonOutsideComments() {
        ReceivedHop hop = ReceivedHop.parse("from a (x; y) by b (note; more) id 1; Mon, 1 Jan 2024 10:00:00 +0000 (a;b)");
        assertEquals("b", hop.by());
        assertEquals("1", hop.id());
        assertEquals(Instant.parse("2024-01-01T10:00:00Z"), hop.timestamp());
    }

    @Test
    void firstValueOfARepeatedClauseWinsAndAMissingValueStaysNull() {
        ReceivedHop hop = ReceivedHop.parse("from by b.example by c.example with; Mon, 1 Jan 2024 10:00:00 +0000");
        assertNull(hop.from());
        assertEquals("b.example", hop.by());
        assertNull(hop.with());
    }

    @Test
    void moreThanAHundredHeadersKeepsTheNewestHundredAndSaysSo() {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            values.add(hop("h" + (149 - i) + ".example", "Mon, 1 Jan 2024 10:00:00 +0000"));
        }
        ReceivedChain chain = ReceivedChain.parse(values);
        assertEquals(ReceivedChain.MAX_HOPS, chain.hops().size());
        assertEquals("h50.example", chain.hops().get(0).by());
        assertEquals("h149.example", chain.hops().get(99).by());
        assertEquals(List.of("read the newest 100 of 150 Received headers; the 50 oldest were ignored"), chain.notes());
    }

    @Test
    void overlongHeaderIsCutAt8KiBAndSaysSo() {
        String value = "from a.example by b.example id " + "x".repeat(20_000) + "; Mon, 1 Jan 2024 10:00:00 +0000";
        ReceivedChain chain = ReceivedChain.parse(List.of(value));
        ReceivedHop hop = chain.hops().get(0);
        assertEquals(ReceivedHop.MAX_HEADER_CHARS, hop.raw().length());
        assertEquals("b.example", hop.by());
        assertNull(hop.timestamp(), "the date lay beyond the cut");
        assertEquals(List.of("Received header 1 (counted from the top) has " + value.length()
                + " characters; only the first 8192 were read"), chain.notes());
    }

    @Test
    void nullListAndNullValuesGiveAnEmptyChainOrASkippedHopWithANote() {
        assertEquals(List.of(), ReceivedChain.parse(null).hops());
        ReceivedChain chain = ReceivedChain.parse(Arrays.asList(null, hop("b.example", "Mon, 1 Jan 2024 10:00:00 +0000")));
        assertEquals(1, chain.hops().size());
        assertEquals(List.of("Received header 1 (counted from the top) is null and was skipped"), chain.notes());
    }

    @Test
    void quotedLocalPartWithSpacesAndParenthesesStaysOneAddress() {
        ReceivedHop hop = ReceivedHop.parse(
                "from a by b with ESMTP id 1 for <\"john (x) smith\"@example.org>; Mon, 1 Jan 2024 10:00:00 +0000");
        assertEquals("\"john (x) smith\"@example.org", hop.forAddress());
        assertEquals(Instant.parse("2024-01-01T10:00:00Z"), hop.timestamp());
    }
}
