package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mailprobe.probes.testing.Watching.AGENT;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.submit.SubmissionResult;

class SampleVerdictTest {
    private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

    private static SentSample sent(Reason reason, @Nullable Stage stage, String reply) {
        ProbeToken token = Delivered.token(AGENT);
        return new SentSample(Delivered.sample(SampleKind.VIRUS, "eicar"), token, SampleDirection.INBOUND,
                new SubmissionResult(token, reason, stage, T, reason == Reason.NONE ? T : null, Map.of(), reply, ""));
    }

    private static SampleSighting seen(SentSample s, String folder, boolean junk, @Nullable String tag, boolean intact) {
        return new SampleSighting(s.key(), folder, junk, T, SampleSighting.BY_TOKEN, tag, intact, true);
    }

    private static final SentSample ACCEPTED = sent(Reason.NONE, null, "250 2.0.0 Ok: queued as 4F2");

    @Test
    @Timeout(5)
    void rejectionAfterDataIsRejectedWithItsReply() {
        SentSample s = sent(Reason.REJECTED, Stage.DATA, "554 5.7.1 Rejected: virus found (Eicar-Signature)");

        assertEquals(FilterOutcome.REJECTED, SampleVerdict.classify(s, null));
        assertEquals("554 5.7.1 Rejected: virus found (Eicar-Signature)", SampleVerdict.decidedBy(s, null));
    }

    @Test
    @Timeout(5)
    void sendThatFailedBeforeTheProviderDecidedIsFailedEvenIfSeen() {
        SentSample s = sent(Reason.CONNECT, Stage.CONNECT, "");

        assertEquals(FilterOutcome.FAILED, SampleVerdict.classify(s, seen(s, "INBOX", false, null, true)));
        assertEquals("", SampleVerdict.decidedBy(s, null));
    }

    @Test
    @Timeout(5)
    void acceptedSampleNeverSeenIsWithheld() {
        assertEquals(FilterOutcome.WITHHELD, SampleVerdict.classify(ACCEPTED, null));
        assertEquals("", SampleVerdict.decidedBy(ACCEPTED, null));
    }

    @Test
    @Timeout(5)
    void cleanedGoesBeforeJunkAndTag() {
        SampleSighting s = seen(ACCEPTED, "Junk", true, "X-Virus-Status: Infected", false);

        assertEquals(FilterOutcome.CLEANED, SampleVerdict.classify(ACCEPTED, s));
        assertEquals("attachment removed", SampleVerdict.decidedBy(ACCEPTED, s));
    }

    @Test
    @Timeout(5)
    void junkGoesBeforeTag() {
        SampleSighting s = seen(ACCEPTED, "Junk", true, "X-Spam-Flag: YES", true);

        assertEquals(FilterOutcome.JUNK, SampleVerdict.classify(ACCEPTED, s));
        assertEquals("folder Junk", SampleVerdict.decidedBy(ACCEPTED, s));
    }

    @Test
    @Timeout(5)
    void tagInTheInboxIsTagged() {
        SampleSighting s = seen(ACCEPTED, "INBOX", false, "X-Spam-Flag: YES", true);

        assertEquals(FilterOutcome.TAGGED, SampleVerdict.classify(ACCEPTED, s));
        assertEquals("X-Spam-Flag: YES", SampleVerdict.decidedBy(ACCEPTED, s));
    }

    @Test
    @Timeout(5)
    void intactUntaggedSampleInTheInboxIsUntouched() {
        SampleSighting s = seen(ACCEPTED, "INBOX", false, null, true);

        assertEquals(FilterOutcome.UNTOUCHED, SampleVerdict.classify(ACCEPTED, s));
        assertEquals("", SampleVerdict.decidedBy(ACCEPTED, s));
    }
}
