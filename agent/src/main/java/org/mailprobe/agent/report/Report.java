package org.mailprobe.agent.report;

import java.util.List;

/**
 * The month under the contract, as computed from the journal: every figure with the journal
 * records behind it. Minutes are the contract's: the month counts 43,200 of them (DESIGN.md
 * section 1), whatever the calendar says; the calendar figure is given beside it.
 */
public record Report(String month, String agent, String site, String periodStart, String periodEnd,
        int contractMinutes, double calendarMinutes, String generatedAt, JournalCheck journal, List<Promise> promises,
        Clause1 clause1, Clause2 clause2, Clause4 clause4, Clause8 clause8, List<Evidence> evidence) {

    /** Where a record is: segment, line (1-based) and seq. */
    public record Ref(String segment, long line, long seq) {}

    /** A record quoted as evidence. */
    public record Evidence(Ref ref, String record) {}

    public record Period(String start, String end, double minutes, String state, String stage, String reason,
            String detail, List<Ref> evidence) {}

    public record JournalCheck(boolean verified, String problem, long headSeq, String headHash, long records,
            List<String> notes) {}

    public record Promise(String clause, String promise, String figure, Boolean kept) {}

    /** Clause 1: a minute is a fault minute when more than 10% of the probed accounts fail. */
    public record Clause1(boolean assessed, List<String> accounts, double faultMinutes, double limitMinutes,
            double ratio, boolean kept, List<Period> faults, String note) {}

    public record Subject(String scope, String name, double minutesUp, double minutesDown, double minutesExcluded,
            double minutesUnknown, double minutesNoEvidence, double ratio, boolean kept, List<Period> outages,
            List<Period> excluded, List<Period> unknown) {}

    /** Clause 2: reachability, at most {@code limitMinutes} down. */
    public record Clause2(double limitMinutes, boolean assessed, boolean kept, List<Subject> subjects, String note) {}

    public record PathDelay(String leg, String path, String promise, long messages, double averageSeconds,
            double maxSeconds, Ref maxEvidence, long overOneHour, List<Ref> overOneHourEvidence, long lost,
            List<Ref> lostEvidence, boolean averageKept, boolean maxKept) {}

    public record DailyDelay(String day, String leg, String path, long messages, double averageSeconds,
            double maxSeconds) {}

    /** Clause 4: average send and receive delay at most a minute, no message over an hour. */
    public record Clause4(boolean assessed, boolean kept, List<PathDelay> paths, long failedSubmissions,
            List<Ref> failedEvidence, List<DailyDelay> daily, String note) {}

    /** Clause 8: a month that misses clause 1, 2 or 3 earns twice the outage time. */
    public record Clause8(List<String> missedClauses, double outageMinutes, double compensationMinutes,
            String note) {}
}
