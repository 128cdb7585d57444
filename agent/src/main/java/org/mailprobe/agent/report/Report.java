package org.mailprobe.agent.report;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The month under the contract, as computed from the journal: every figure with the journal
 * records behind it. Minutes are the contract's: the month counts 43,200 of them (docs/DESIGN.md
 * section 1), whatever the calendar says; the calendar figure is given beside it.
 */
public record Report(String month, String agent, String site, String periodStart, String periodEnd,
        int contractMinutes, double calendarMinutes, String generatedAt, JournalCheck journal, List<Promise> promises,
        Clause1 clause1, Clause2 clause2, Clause4 clause4, Clause6 clause6, Clause8 clause8, List<Evidence> evidence,
        @Nullable Comparison prometheus) {

    /** The same report with the Prometheus comparison beside the journal's figures. */
    public Report withPrometheus(Comparison c) {
        return new Report(month, agent, site, periodStart, periodEnd, contractMinutes, calendarMinutes, generatedAt,
                journal, promises, clause1, clause2, clause4, clause6, clause8, evidence, c);
    }

    /** Where a record is: segment, line (1-based) and seq. */
    public record Ref(String segment, long line, long seq) {}

    /** A record quoted as evidence. */
    public record Evidence(Ref ref, String record) {}

    public record Period(String start, String end, double minutes, String state, String stage, String reason,
            String detail, List<Ref> evidence) {}

    public record JournalCheck(boolean verified, @Nullable String problem, long headSeq, @Nullable String headHash, long records,
            List<String> notes) {}

    public record Promise(String clause, String promise, String figure, @Nullable Boolean kept) {}

    /** Clause 1: a minute is a fault minute when more than 10% of the probed accounts fail. */
    public record Clause1(boolean assessed, List<String> accounts, double faultMinutes, double limitMinutes,
            double ratio, boolean kept, List<Period> faults, String note, List<AccountMinutes> byAccount) {}

    /**
     * One probed account in clause 1: the minutes it had a probe result in, and in how many of them a
     * result booked to it failed (a failed submission to the sender, a message not seen to the receiver).
     */
    public record AccountMinutes(String account, long minutesProbed, long minutesFailing) {}

    public record Subject(String scope, String name, double minutesUp, double minutesDown, double minutesExcluded,
            double minutesUnknown, double minutesNoEvidence, double ratio, boolean kept, List<Period> outages,
            List<Period> excluded, List<Period> unknown) {}

    /** Clause 2: reachability, at most {@code limitMinutes} down. */
    public record Clause2(double limitMinutes, boolean assessed, boolean kept, List<Subject> subjects, String note) {}

    /**
     * One leg and path of clause 4.
     *
     * @param overOneHour messages measured in time with a delay over 1 h
     * @param lost messages not seen by their timeout, whatever it was
     * @param maxKept the one-hour promise: false if a message is proved over 1 h, null if only
     *     messages lost at a timeout under 1 h (and never seen since) leave it open, else true
     * @param provedOverOneHour measured over 1 h, lost at a timeout of 1 h or more, or late by more than 1 h
     * @param lostWithinShortTimeout lost at a timeout under 1 h and never seen since: not proof either way
     * @param late messages seen after they were counted lost (journal {@code late} records)
     * @param lateMaxSeconds the longest true delay among them
     */
    public record PathDelay(String leg, String path, String promise, long messages, double averageSeconds,
            double maxSeconds, @Nullable Ref maxEvidence, long overOneHour, List<Ref> overOneHourEvidence, long lost,
            List<Ref> lostEvidence, boolean averageKept, @Nullable Boolean maxKept, long provedOverOneHour,
            long lostWithinShortTimeout, long late, double lateMaxSeconds, List<Ref> lateEvidence) {}

    public record DailyDelay(String day, String leg, String path, long messages, double averageSeconds,
            double maxSeconds) {}

    /** Clause 4: average send and receive delay at most a minute, no message over an hour. */
    public record Clause4(boolean assessed, boolean kept, List<PathDelay> paths, long failedSubmissions,
            List<Ref> failedEvidence, List<DailyDelay> daily, String note) {}

    /**
     * Clause 6 (issue 14): virus detection at least 99.9%, virus removal at least 99.5%, spam
     * filtering at least 96%, over the filter samples sent in the month (counted in the month they
     * were sent); false positives beside them. Not measured when the month has no filter sample.
     *
     * @param unrecognised records whose outcome is none the report knows: in no count, no rate
     */
    public record Clause6(boolean measured, List<FilterSamples> samples, List<FilterRate> rates, long unrecognised,
            String note) {}

    /**
     * One direction (inbound, outbound) and kind (virus, spam, clean): the samples with an outcome
     * from the provider, by outcome; those our own side failed to send are apart, in no rate.
     */
    public record FilterSamples(String direction, String kind, long samples, long failed, Map<String, Long> outcomes) {}

    /**
     * One clause-6 rate in one direction.
     *
     * @param target the contract's, or null (false positives have none)
     * @param counted the samples in the rate's numerator
     * @param against the samples that count against the provider: misses, or false positives
     * @param againstByVariant those samples by variant (eicar-nested-zip, gtube, corpus:FILE...)
     * @param rate counted / samples; null with no sample
     * @param lower the rate is at least this, with 95% confidence (exact, Clopper-Pearson)
     * @param upper the rate is at most this, with 95% confidence
     * @param verdict met, not met, not enough samples to say, no samples, or no contract target
     * @param samplesNeeded samples with no miss a month needs for the lower bound to reach the target
     * @param samplesNeededWithMisses samples in all, with the misses seen, for the same; -1 beyond reach
     * @param statement the figures and the verdict in one plain sentence
     * @param evidence the records that count against the provider (the first 200)
     */
    public record FilterRate(String direction, String name, String definition, @Nullable Double target, long samples,
            long counted, long against, Map<String, Long> againstByVariant, @Nullable Double rate, double lower, double upper, String verdict,
            @Nullable Long samplesNeeded, @Nullable Long samplesNeededWithMisses, String statement,
            List<Ref> evidence) {}

    /** Clause 8: a month that misses clause 1, 2 or 3 earns twice the outage time. */
    public record Clause8(List<String> missedClauses, double outageMinutes, double compensationMinutes,
            String note) {}

    /**
     * One figure from the journal and from Prometheus ({@code null} where Prometheus has no series),
     * their difference (Prometheus minus journal), whether they agree within Prometheus's resolution,
     * why they differ, and the query behind the Prometheus value.
     */
    public record Figure(String clause, String subject, String figure, double journal, @Nullable Double prometheus,
            @Nullable Double difference, String unit, boolean agrees, String explanation, String query) {}

    /**
     * The month from Prometheus ({@code --prometheus}): unavailable (with the error) when it could not
     * be asked; else the window queried, the scrape interval seen, the scrapes, failed scrapes and
     * counter resets in it, the gaps with no sample of the agent, and the figures compared.
     */
    public record Comparison(boolean available, String url, @Nullable String error, String window, double scrapeIntervalSeconds,
            long scrapes, long failedScrapes, long counterResets, List<Period> gaps, List<Figure> figures,
            String note) {}
}
