package org.mailprobe.probes.received;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SendDelayEstimateTest {
    static final Predicate<String> PROVIDER = by -> by.endsWith(".provider.example");
    /** The agent's clock says the provider accepted at 10:00:00.400; the provider's clock runs 2 s ahead. */
    static final Instant ACCEPTED = Instant.parse("2024-03-05T10:00:00.400Z");

    /** Submission, two internal hops at the provider, the destination's MX, its LMTP: newest first. */
    static final List<String> REALISTIC = List.of(
            "from mx.dest.example by imap.dest.example with LMTP id k1 for <u@dest.example>; Tue, 05 Mar 2024 11:00:09 +0100",
            "from out-3.provider.example (out-3.provider.example [198.51.100.3]) by mx.dest.example (Postfix) "
                    + "with ESMTPS id Q9 for <u@dest.example>; Tue,  5 Mar 2024 11:00:08 +0100 (CET)",
            "from filter-1.provider.example by out-3.provider.example (Postfix) with ESMTP id O7; "
                    + "Tue,  5 Mar 2024 10:00:06 +0000 (UTC)",
            "from smtp.provider.example by filter-1.provider.example with ESMTP id F5; Tue, 5 Mar 2024 10:00:04 +0000",
            "from agent.customer.example (gw.customer.example [203.0.113.7]) (Authenticated sender: probe@provider.example) "
                    + "by smtp.provider.example (Postfix) with ESMTPSA id S1; Tue,  5 Mar 2024 10:00:02 +0000 (UTC)");

    @Test
    void realisticChainEstimatesFromTheProvidersFirstStampToTheDestinationsFirstStamp() {
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(REALISTIC), ACCEPTED, PROVIDER).estimate().orElseThrow();
        assertEquals(Instant.parse("2024-03-05T10:00:02Z"), estimate.providerFirstStamp());
        assertEquals(Instant.parse("2024-03-05T10:00:08Z"), estimate.handoffStamp());
        assertEquals(Duration.ofSeconds(6), estimate.estimatedDelay());
        assertEquals(0, estimate.firstHop());
        assertEquals(3, estimate.handoffHop());
        assertTrue(estimate.handoffByDestination());
        assertEquals("estimate from server stamps, each to the second: start at hop 1 of 5 (by smtp.provider.example); "
                + "end at hop 4 (by mx.dest.example), the first after the provider's, on the destination's clock",
                estimate.note());
    }

    @Test
    void skewBetweenProviderAndAgentIsRecordedNotSubtracted() {
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(REALISTIC), ACCEPTED, PROVIDER).estimate().orElseThrow();
        assertEquals(Duration.ofMillis(1_600), estimate.providerSkew());
        assertEquals(Duration.ofSeconds(6), estimate.estimatedDelay(), "the skew cancels: both ends are server stamps");
    }

    @Test
    void withoutADestinationStampItFallsBackToTheProvidersLastStampAsALowerBound() {
        List<String> noDestination = REALISTIC.subList(2, REALISTIC.size());
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(noDestination), ACCEPTED, PROVIDER).estimate().orElseThrow();
        assertEquals(Instant.parse("2024-03-05T10:00:06Z"), estimate.handoffStamp());
        assertEquals(Duration.ofSeconds(4), estimate.estimatedDelay());
        assertFalse(estimate.handoffByDestination());
        assertTrue(estimate.note().endsWith("end at the provider's last stamped hop 3 (by out-3.provider.example), "
                + "no later hop existing: a lower bound"), estimate.note());
    }

    @Test
    void destinationHopWithoutADateAlsoFallsBackAndSaysWhy() {
        List<String> undated = List.of("from out-3.provider.example by mx.dest.example with ESMTPS id Q9");
        List<String> chain = new ArrayList<>(undated);
        chain.addAll(REALISTIC.subList(2, REALISTIC.size()));
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(chain), ACCEPTED, PROVIDER).estimate().orElseThrow();
        assertFalse(estimate.handoffByDestination());
        assertTrue(estimate.note().contains("the next hop having no readable date"), estimate.note());
    }

    @Test
    void undatedSubmissionHopStartsAtTheProvidersFirstDatedHopAndSaysSo() {
        List<String> chain = new ArrayList<>(REALISTIC.subList(0, 4));
        chain.add("from agent.customer.example by smtp.provider.example with ESMTPSA id S1; garbage");
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(chain), ACCEPTED, PROVIDER).estimate().orElseThrow();
        assertEquals(Instant.parse("2024-03-05T10:00:04Z"), estimate.providerFirstStamp());
        assertEquals(1, estimate.firstHop());
        assertTrue(estimate.note().contains("the provider's first hop 1 having no readable date"), estimate.note());
    }

    @Test
    void hopsBeforeTheProvidersAreIgnored() {
        List<String> chain = new ArrayList<>(REALISTIC);
        chain.add("from laptop.customer.example by agent.customer.example; Tue, 5 Mar 2024 09:59:00 +0000");
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(chain), ACCEPTED, PROVIDER).estimate().orElseThrow();
        assertEquals(Instant.parse("2024-03-05T10:00:02Z"), estimate.providerFirstStamp());
        assertEquals(1, estimate.firstHop());
    }

    @Test
    void negativeEstimateFromADestinationClockBehindIsKept() {
        List<String> chain = new ArrayList<>(List.of(
                "from out-3.provider.example by mx.dest.example id Q9; Tue, 5 Mar 2024 09:59:58 +0000"));
        chain.addAll(REALISTIC.subList(2, REALISTIC.size()));
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(chain), ACCEPTED, PROVIDER).estimate().orElseThrow();
        assertEquals(Duration.ofSeconds(-4), estimate.estimatedDelay());
    }

    @Test
    void noAcceptedInstantGivesNoSkew() {
        SendDelayEstimate estimate =
                SendDelayEstimate.from(ReceivedChain.parse(REALISTIC), null, PROVIDER).estimate().orElseThrow();
        assertNull(estimate.providerSkew());
    }

    @Test
    void chainWithoutAProviderHopIsAbsentWithAReason() {
        SendDelayEstimate.Result result =
                SendDelayEstimate.from(ReceivedChain.parse(REALISTIC.subList(0, 2)), ACCEPTED, PROVIDER);
        assertTrue(result.estimate().isEmpty());
        assertEquals("no Received hop of 2 was written by the provider", result.reason());
    }

    @Test
    void providerHopsWithoutReadableDatesAreAbsentWithAReason() {
        List<String> chain = List.of(
                "from out-3.provider.example by mx.dest.example id Q9; Tue, 5 Mar 2024 10:00:08 +0000",
                "from smtp.provider.example by out-3.provider.example id O7",
                "from agent by smtp.provider.example id S1; 99:99");
        SendDelayEstimate.Result result = SendDelayEstimate.from(ReceivedChain.parse(chain), ACCEPTED, PROVIDER);
        assertTrue(result.estimate().isEmpty());
        assertEquals("the provider's hops 1 to 2 carry no readable date", result.reason());
    }

    @Test
    void singleProviderStampAndNoDestinationStampIsAbsentWithAReason() {
        SendDelayEstimate.Result result =
                SendDelayEstimate.from(ReceivedChain.parse(REALISTIC.subList(4, 5)), ACCEPTED, PROVIDER);
        assertTrue(result.estimate().isEmpty());
        assertEquals("only one provider stamp (hop 1) and no readable stamp from the destination: nothing to measure "
                + "between", result.reason());
    }

    @Test
    void emptyChainIsAbsentWithAReason() {
        SendDelayEstimate.Result result = SendDelayEstimate.from(ReceivedChain.parse(List.of()), ACCEPTED, PROVIDER);
        assertEquals("no Received hop of 0 was written by the provider", result.reason());
    }

    /** Real stamps: the testbed's Postfix as the provider (held 1.5 s), its Dovecot as the destination. */
    @Test
    void capturedTestbedChainEstimatesTheHoldToTheSecond() {
        ReceivedChain chain = ReceivedChain.parse(
                ReceivedCorpus.receivedValues(ReceivedCorpus.text("testbed-hold.txt")));
        Instant accepted = Instant.parse("2026-11-25T15:46:03.650Z"); // illustrative: the capture kept no agent time
        SendDelayEstimate estimate =
                SendDelayEstimate.from(chain, accepted, "mx.mailprobe.test"::equals).estimate().orElseThrow();
        assertEquals(Duration.ofSeconds(1), estimate.estimatedDelay(), "1.5 s held, stamps truncated to the second");
        assertEquals(Duration.ofMillis(-650), estimate.providerSkew(), "a truncated stamp reads early");
        assertEquals(2, estimate.handoffHop());
        assertTrue(estimate.handoffByDestination());
    }
}
