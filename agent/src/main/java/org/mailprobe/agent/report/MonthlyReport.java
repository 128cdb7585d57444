package org.mailprobe.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.journal.JournalScan;
import org.mailprobe.agent.journal.JournalVerifier;
import org.mailprobe.agent.journal.RecordFields;
import org.mailprobe.agent.journal.Segments;
import org.mailprobe.agent.journal.Segments.Segment;
import org.mailprobe.agent.report.Report.Ref;

/**
 * Computes a contract month from the journal alone, in one pass over its segments that also checks
 * the chain and keeps the lines an evidence quote may need (issue 13; a second pass quotes the
 * evidence only where seqs repeat, in a broken chain).
 *
 * <p>Clause 2: a state record's state holds from its {@code at} until the next state record of the
 * same endpoint or service, or until the agent stopped (its {@code stop} event, or for a run that
 * ended without one, its last record): time with no evidence is listed apart, never counted down.
 * Services are assessed where configured, else endpoints. Clause 4: each probe counts in the month
 * its submission was accepted; a path not seen by the timeout is lost and breaks the one-hour
 * promise. Clause 1: each account's last probe result holds until its next probe; a minute is a
 * fault minute when failing accounts exceed 10% of those with a result. Clause 6: each filter sample
 * counts in the month it was sent ({@link FilterMonth}).
 */
public final class MonthlyReport {
    public static final int CONTRACT_MINUTES = 43_200;
    /** Clause 2 as the contract states it: at most 44 minutes down (99.9% of 43,200 is 43.2, rounded up). */
    public static final double CLAUSE2_LIMIT_MINUTES = 44;
    /** Clause 1: a fault-free ratio of at least 99.9% of 43,200 minutes. */
    public static final double CLAUSE1_LIMIT_MINUTES = 43.2;
    public static final double AVERAGE_LIMIT_SECONDS = 60;
    public static final long ONE_HOUR_MS = 3_600_000;
    /**
     * How long an account's last probe result holds for clause 1 when no newer probe comes: routes
     * probe every minute by default, so five minutes without a result means the account is not
     * being probed (the agent was stopped, the route removed), not that it still fails.
     */
    static final int RESULT_HOLDS_MINUTES = 5;
    /** The most references listed behind one figure; the count is always complete. */
    static final int MAX_REFS = 200;

    private final YearMonth month;
    private final long from;
    private final long to;
    private final Map<String, List<StateRec>> states = new LinkedHashMap<>();
    private final List<Long> stops = new ArrayList<>();
    private final Map<String, Acc> delays = new TreeMap<>();
    private final Map<String, Acc> daily = new TreeMap<>();
    private final Map<String, byte[]> accounts = new TreeMap<>();
    private final List<Ref> failedRefs = new ArrayList<>();
    /** The lines of the records a figure cites (a list's first {@link #MAX_REFS}), to quote as evidence. */
    private final Map<Ref, byte[]> cited = new HashMap<>();
    /** Whether every seq read so far was above the one before: then a seq names one line. */
    private boolean seqsRise = true;
    private long lastSeq = Long.MIN_VALUE;
    private long dayOfLast = Long.MIN_VALUE;
    private @Nullable String dayText;
    /** Each accepted probe's timeout (ms), from its submitted record, until its probe record is read. */
    private final Map<String, Long> timeouts = new HashMap<>();
    private long failedSubmissions;
    private long lastRecordTime = Long.MIN_VALUE;
    private String agent = "";
    private String site = "";
    private final FilterMonth filters;

    private MonthlyReport(YearMonth month) {
        this.month = month;
        this.from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        this.to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        this.filters = new FilterMonth(from, to);
    }

    public static Report compute(Path journal, YearMonth month) throws IOException {
        List<Segment> segments = Segments.list(journal);
        JournalVerifier.Check check = new JournalVerifier.Check(journal, segments);
        MonthlyReport m = new MonthlyReport(month);
        JournalScan.scan(segments, new JournalScan.Handler() {
            private boolean checking = true;

            @Override
            public void segment(int index, Segment s) {
                check.segment(index);
            }

            @Override
            public boolean line(JournalScan.Line line) throws IOException {
                // After the first break the chain is no longer checked, but every record still counts.
                checking = checking && check.line(line);
                if (line.terminated()) {
                    m.accept(line);
                }
                return true;
            }
        });
        return m.build(journal, check.result());
    }

    private record StateRec(long at, String scope, String name, String state, String stage, String reason,
            String detail, Ref ref, byte[] line) {}

    private static final class Acc {
        long count;
        /** Lost probes by key, with the timeout they were lost at (ms; -1 when the journal does not say). */
        final Map<String, Long> lostTimeouts = new LinkedHashMap<>();
        /** Late records by probe key: the true delay, ms. */
        final Map<String, Long> late = new LinkedHashMap<>();
        final List<Ref> lateRefs = new ArrayList<>();
        long sumMs;
        long maxMs = -1;
        @Nullable Ref maxRef;
        byte @Nullable [] maxLine;
        long overHour;
        final List<Ref> overRefs = new ArrayList<>();
        long lost;
        final List<Ref> lostRefs = new ArrayList<>();
    }

    private void accept(JournalScan.Line l) throws IOException {
        RecordFields f = Objects.requireNonNull(l.fields(), "a complete line has fields");
        if (f.invalid() != null) {
            throw f.invalid(); // a line that is not JSON: the report never guessed what it held
        }
        long seq = f.seq();
        seqsRise = seqsRise && seq > lastSeq;
        lastSeq = seq;
        Ref ref = new Ref(l.segment(), l.number(), seq);
        long time = IsoInstants.millis(f.time());
        agent = f.agent() != null ? f.agent() : agent;
        site = f.site() != null ? f.site() : site;
        // Only probe and submitted records, which do not use it, are read without a tree.
        JsonNode r = Objects.requireNonNullElse(f.tree(), MissingNode.getInstance());
        switch (f.type()) {
            case "state":
                String key = r.path("scope").asText() + "\u0000" + r.path("name").asText();
                states.computeIfAbsent(key, k -> new ArrayList<>()).add(new StateRec(
                        IsoInstants.millis(r.path("at").asText()), r.path("scope").asText(),
                        r.path("name").asText(), r.path("state").asText(), r.path("stage").asText(),
                        r.path("reason").asText(), r.path("detail").asText(), ref, l.bytes()));
                break;
            case "event":
                if ("stop".equals(r.path("event").asText())) {
                    stops.add(time);
                }
                break;
            case "note":
                if ("unclean_stop".equals(r.path("note").asText())) {
                    stops.add(IsoInstants.millis(r.path("last_time").asText()));
                }
                break;
            case "submitted":
                if (f.deadline() != null && f.accepted() != null) {
                    timeouts.put(f.probe(), IsoInstants.millis(f.deadline()) - IsoInstants.millis(f.accepted()));
                }
                break;
            case "probe":
                probe(f, ref, l);
                break;
            case "late":
                late(r, ref, l);
                break;
            case "filter_sample":
                filters.accept(r, time, ref, l.bytes());
                break;
            default:
                break;
        }
        lastRecordTime = Math.max(lastRecordTime, time);
    }

    private void probe(RecordFields r, Ref ref, JournalScan.Line line) {
        String acceptedText = r.accepted();
        String startedText = r.started();
        long when = acceptedText != null ? IsoInstants.millis(acceptedText)
                : startedText != null ? IsoInstants.millis(startedText) : IsoInstants.millis(r.time());
        if (when < from || when >= to) {
            return;
        }
        book(r, when, acceptedText != null);
        Long timeout = timeouts.remove(r.probe());
        if (acceptedText == null) {
            failedSubmissions++;
            addRef(failedRefs, ref, line);
            return;
        }
        String routeLeg = r.leg();
        String day = day(when);
        for (RecordFields.PathFields p : r.paths()) {
            String path = p.path();
            // A path may say its own leg: a send route's external mailbox measures a loop.
            String leg = p.leg() != null ? p.leg() : routeLeg;
            Acc a = delays.computeIfAbsent(leg + "\u0000" + path, k -> new Acc());
            Acc d = daily.computeIfAbsent(day + "\u0000" + leg + "\u0000" + path, k -> new Acc());
            if (p.lost()) {
                a.lost++;
                addRef(a.lostRefs, ref, line);
                a.lostTimeouts.put(r.probe(), timeout == null ? -1 : timeout);
                continue;
            }
            if (!p.hasDelay()) {
                continue;
            }
            long ms = p.delayMs();
            for (Acc x : List.of(a, d)) {
                x.count++;
                x.sumMs += ms;
                if (ms > x.maxMs) {
                    x.maxMs = ms;
                    x.maxRef = ref;
                    // Only a path's maximum is quoted, not a day's.
                    x.maxLine = x == a ? line.bytes() : null;
                }
            }
            if (ms > ONE_HOUR_MS) {
                a.overHour++;
                addRef(a.overRefs, ref, line);
            }
        }
    }

    /** The UTC day of {@code when}, as 2025-06-01; the last one is kept, as probes come in time order. */
    private @Nullable String day(long when) {
        long day = Math.floorDiv(when, 86_400_000L);
        if (day != dayOfLast) {
            dayOfLast = day;
            dayText = Instant.ofEpochMilli(when).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        }
        return dayText;
    }

    /**
     * Clause 1 books a result to the account it belongs to: a failed submission to the submitting
     * account, a message not seen to the receiving one (to the sender where no account receives, as
     * at the sink), a success to both. A record without {@code from_account} (before issue 12)
     * books everything to its receiving account, as it always did.
     */
    private void book(RecordFields r, long when, boolean accepted) {
        boolean success = "success".equals(r.outcome());
        String receiver = r.account() != null ? r.account() : r.route();
        String sender = r.fromAccount();
        if (sender == null) {
            mark(receiver, when, success);
            return;
        }
        boolean hasReceiver = r.account() != null;
        mark(sender, when, accepted && (success || hasReceiver));
        if (accepted && hasReceiver) {
            mark(receiver, when, success);
        }
    }

    private void mark(String account, long when, boolean ok) {
        byte[] minutes = accounts.computeIfAbsent(account, a -> new byte[(int) ((to - from) / 60_000)]);
        int minute = (int) ((when - from) / 60_000);
        minutes[minute] = (byte) Math.max(minutes[minute], ok ? 1 : 2);
    }

    /** A probe seen after it was lost: its true delay, counted with its path (in the month it was accepted). */
    private void late(JsonNode r, Ref ref, JournalScan.Line line) {
        long accepted = IsoInstants.millis(r.path("accepted").asText());
        if (accepted < from || accepted >= to) {
            return;
        }
        Acc a = delays.computeIfAbsent(r.path("leg").asText() + "\u0000" + r.path("path").asText(), k -> new Acc());
        a.late.put(r.path("probe").asText(), r.path("delay_ms").asLong());
        addRef(a.lateRefs, ref, line);
    }

    private void addRef(List<Ref> refs, Ref ref, JournalScan.Line line) {
        if (refs.size() < MAX_REFS) {
            refs.add(ref);
            cited.put(ref, line.bytes());
        }
    }

    private Report build(Path journal, JournalVerifier.Result check) throws IOException {
        long end = Math.min(to, lastRecordTime == Long.MIN_VALUE ? from : Math.max(from, lastRecordTime));
        Collections.sort(stops);
        Report.Clause2 c2 = clause2(end);
        Report.Clause4 c4 = clause4();
        Report.Clause1 c1 = clause1(end);
        Report.Clause6 c6 = filters.build();
        Report.Clause8 c8 = clause8(c1, c2);
        List<Report.Promise> promises = new ArrayList<>();
        promises.add(new Report.Promise("1", "fault minutes at most " + fmt(CLAUSE1_LIMIT_MINUTES) + " (99.9%)",
                c1.assessed() ? fmt(c1.faultMinutes()) + " min" : "not assessed", c1.assessed() ? c1.kept() : null));
        for (Report.Subject s : c2.subjects()) {
            promises.add(new Report.Promise("2", s.scope() + " " + s.name() + ": down at most "
                    + fmt(CLAUSE2_LIMIT_MINUTES) + " min", fmt(s.minutesDown()) + " min down, ratio "
                    + pct(s.ratio()), s.kept()));
        }
        for (Report.PathDelay p : c4.paths()) {
            promises.add(new Report.Promise("4", p.leg() + " " + p.path() + ": average delay at most 60 s",
                    fmt(p.averageSeconds()) + " s over " + p.messages() + " messages", p.averageKept()));
            promises.add(new Report.Promise("4", p.leg() + " " + p.path() + ": no message over 1 h",
                    overHourFigure(p), p.maxKept()));
        }
        clause6Promises(promises, c6);
        promises.add(new Report.Promise("8", "compensation: twice the outage time of a missed clause 1 or 2",
                fmt(c8.compensationMinutes()) + " min", c8.missedClauses().isEmpty()));
        Report.JournalCheck jc = new Report.JournalCheck(check.ok(), check.problem(), check.headSeq(),
                check.headHash(), check.records(), check.notes());
        return new Report(month.toString(), agent, site, Instant.ofEpochMilli(from).toString(),
                Instant.ofEpochMilli(end).toString(), CONTRACT_MINUTES, (end - from) / 60_000.0,
                Instant.now().toString(), jc, promises, c1, c2, c4, c6, c8, evidence(journal, c2, c4, c6), null);
    }

    /** One line per rate and direction; a month without filter samples says clause 6 is not measured. */
    private static void clause6Promises(List<Report.Promise> promises, Report.Clause6 c6) {
        if (!c6.measured()) {
            promises.add(new Report.Promise("6", "virus detection at least 99.9%, virus removal at least 99.5%, "
                    + "spam filtering at least 96%", "not measured (no filter sample this month)", null));
            return;
        }
        for (Report.FilterRate r : c6.rates()) {
            Double target = r.target();
            String promise = r.name() + " (" + r.direction() + "): "
                    + (target == null ? "no contract target" : "at least " + FilterMonth.target(target));
            Double rate = r.rate();
            String figure = rate == null ? "no samples" : FilterMonth.pct(rate) + " over " + r.samples()
                    + " samples (95% bounds " + FilterMonth.pct(r.lower()) + " to " + FilterMonth.pct(r.upper())
                    + (target == null ? ")" : "; " + r.verdict() + ")");
            Boolean kept = r.verdict().equals("met") ? Boolean.TRUE : r.verdict().equals("not met") ? Boolean.FALSE
                    : null;
            promises.add(new Report.Promise("6", promise, figure, kept));
        }
    }

    private Report.Clause2 clause2(long end) {
        boolean services = states.values().stream().anyMatch(l -> l.get(0).scope().equals("service"));
        List<Report.Subject> subjects = new ArrayList<>();
        for (List<StateRec> recs : states.values()) {
            if (!recs.get(0).scope().equals(services ? "service" : "endpoint")) {
                continue;
            }
            recs.sort((a, b) -> Long.compare(a.at(), b.at()));
            Map<String, Long> ms = new HashMap<>();
            List<Report.Period> outages = new ArrayList<>();
            List<Report.Period> excluded = new ArrayList<>();
            List<Report.Period> unknown = new ArrayList<>();
            long covered = 0;
            long cursor = from;
            for (int i = 0; i < recs.size(); i++) {
                StateRec s = recs.get(i);
                long stop = i + 1 < recs.size() ? recs.get(i + 1).at() : Long.MAX_VALUE;
                for (long b : stops) {
                    if (b >= s.at()) {
                        stop = Math.min(stop, b);
                        break;
                    }
                }
                stop = Math.min(stop, end);
                long a = Math.max(s.at(), from);
                if (stop <= a) {
                    continue;
                }
                if (a > cursor) {
                    unknown.add(period(cursor, a, "unknown", "", "", "no evidence: the agent was not running",
                            List.of()));
                }
                cursor = Math.max(cursor, stop);
                covered += stop - a;
                ms.merge(s.state(), stop - a, Long::sum);
                List<Ref> refs = new ArrayList<>(List.of(s.ref()));
                if (i + 1 < recs.size() && recs.get(i + 1).at() == stop) {
                    refs.add(recs.get(i + 1).ref());
                }
                List<Report.Period> list = s.state().equals("down") ? outages
                        : s.state().equals("excluded") ? excluded : s.state().equals("unknown") ? unknown : null;
                if (list == null) {
                    continue;
                }
                Report.Period last = list.isEmpty() ? null : list.get(list.size() - 1);
                if (last != null && Instant.parse(last.end()).toEpochMilli() == a && last.state().equals(s.state())
                        && !last.evidence().isEmpty()) {
                    List<Ref> merged = new ArrayList<>(last.evidence());
                    merged.addAll(refs.subList(1, refs.size()));
                    list.set(list.size() - 1, period(Instant.parse(last.start()).toEpochMilli(), stop, last.state(),
                            last.stage(), last.reason(), last.detail(), merged));
                } else {
                    list.add(period(a, stop, s.state(), s.stage(), s.reason(), s.detail(), refs));
                }
            }
            if (cursor < end) {
                unknown.add(period(cursor, end, "unknown", "", "", "no evidence: the agent was not running",
                        List.of()));
            }
            double down = minutes(ms.getOrDefault("down", 0L));
            StateRec first = recs.get(0);
            subjects.add(new Report.Subject(first.scope(), first.name(), minutes(ms.getOrDefault("up", 0L)), down,
                    minutes(ms.getOrDefault("excluded", 0L)), minutes(ms.getOrDefault("unknown", 0L)),
                    minutes((end - from) - covered), 1 - down / CONTRACT_MINUTES, down <= CLAUSE2_LIMIT_MINUTES,
                    outages, excluded, unknown));
        }
        boolean kept = subjects.stream().allMatch(Report.Subject::kept);
        return new Report.Clause2(CLAUSE2_LIMIT_MINUTES, !subjects.isEmpty(), kept, subjects, subjects.isEmpty()
                ? "no reachability records in the journal (no endpoints configured)"
                : "ratio = 1 - minutes down / 43,200; excluded (announced maintenance) and unknown (our own side, or "
                        + "no evidence) are not counted against the provider");
    }

    private Report.Clause4 clause4() {
        List<Report.PathDelay> paths = new ArrayList<>();
        for (Map.Entry<String, Acc> e : delays.entrySet()) {
            String[] k = e.getKey().split("\u0000");
            Acc a = e.getValue();
            double avg = a.count == 0 ? 0 : a.sumMs / 1000.0 / a.count;
            String promise = k[0].equals("send") ? "send delay" : k[0].equals("receive") ? "receive delay"
                    : "end to end (loop): bounds send plus receive delay; held to the one-minute average and one-hour "
                            + "maximum";
            // Proved over 1 h: measured over it, lost at a timeout of 1 h or more, or late by more than 1 h.
            // Lost at a shorter timeout and never seen since proves nothing about the hour: said apart.
            long proved = a.overHour;
            long lostShort = 0;
            for (Map.Entry<String, Long> lost : a.lostTimeouts.entrySet()) {
                Long late = a.late.get(lost.getKey());
                if (lost.getValue() < 0 || lost.getValue() >= ONE_HOUR_MS || late != null && late > ONE_HOUR_MS) {
                    proved++;
                } else if (late == null) {
                    lostShort++;
                }
            }
            long lateMax = a.late.values().stream().mapToLong(Long::longValue).max().orElse(0);
            Boolean maxKept = proved > 0 ? Boolean.FALSE : lostShort > 0 ? null : Boolean.TRUE;
            paths.add(new Report.PathDelay(k[0], k[1], promise, a.count, avg, Math.max(0, a.maxMs) / 1000.0,
                    a.maxRef, a.overHour, a.overRefs, a.lost, a.lostRefs, avg <= AVERAGE_LIMIT_SECONDS,
                    maxKept, proved, lostShort, a.late.size(), lateMax / 1000.0, a.lateRefs));
        }
        List<Report.DailyDelay> days = new ArrayList<>();
        for (Map.Entry<String, Acc> e : daily.entrySet()) {
            String[] k = e.getKey().split("\u0000");
            Acc a = e.getValue();
            days.add(new Report.DailyDelay(k[0], k[1], k[2], a.count, a.count == 0 ? 0 : a.sumMs / 1000.0 / a.count,
                    Math.max(0, a.maxMs) / 1000.0));
        }
        boolean kept = paths.stream().allMatch(p -> p.averageKept() && !Boolean.FALSE.equals(p.maxKept()));
        return new Report.Clause4(!paths.isEmpty(), kept, paths, failedSubmissions, failedRefs, days, note(paths));
    }

    /** The one-hour promise's figure: what is proved over 1 h, and what is not proved either way. */
    static String overHourFigure(Report.PathDelay p) {
        StringBuilder b = new StringBuilder().append(p.provedOverOneHour()).append(" proved over 1 h");
        if (p.lostWithinShortTimeout() > 0) {
            b.append(", ").append(p.lostWithinShortTimeout())
                    .append(" lost within a timeout shorter than 1 h (not proved over 1 h)");
        }
        if (p.late() > 0) {
            b.append(", ").append(p.late()).append(" arrived late (longest ").append(fmt(p.lateMaxSeconds()))
                    .append(" s)");
        }
        return b.append(", ").append(p.lost()).append(" lost in all, max measured ").append(fmt(p.maxSeconds()))
                .append(" s").toString();
    }

    /** Says which legs the table shows and which it does not, and how lost and late messages count. */
    static String note(List<Report.PathDelay> paths) {
        Set<String> legs = new java.util.TreeSet<>();
        paths.forEach(p -> legs.add(p.leg()));
        List<String> missing = new ArrayList<>();
        for (String leg : List.of("send", "receive", "loop")) {
            if (!legs.contains(leg)) {
                missing.add(leg);
            }
        }
        String shown = legs.isEmpty() ? "No probe was measured this month." : "Legs measured: "
                + String.join(", ", legs) + (missing.isEmpty() ? "." : "; no " + String.join(" or ", missing)
                + " route has results this month.");
        return shown + " Over 1 h counts only what is proved: a delay measured over 1 h, a message lost at a "
                + "timeout of at least 1 h, or a late record over 1 h; a message lost at a shorter timeout and "
                + "not seen since is listed as lost within a timeout under 1 h, neither kept nor missed. "
                + "Failed submissions count in clause 1, not as delays.";
    }

    private Report.Clause1 clause1(long end) {
        List<String> names = new ArrayList<>(accounts.keySet());
        if (names.size() < 2) {
            return new Report.Clause1(false, names, 0, CLAUSE1_LIMIT_MINUTES, 1, true, List.of(),
                    "not assessed: clause 1 needs several probed accounts (a fault is more than 10% of users failing)",
                    byAccount());
        }
        int n = (int) ((end - from) / 60_000);
        byte[] last = new byte[names.size()];
        int[] age = new int[names.size()];
        List<Report.Period> faults = new ArrayList<>();
        long faultMinutes = 0;
        int runStart = -1;
        for (int m = 0; m <= n; m++) {
            boolean fault = false;
            if (m < n) {
                int known = 0;
                int failing = 0;
                for (int i = 0; i < names.size(); i++) {
                    byte b = Objects.requireNonNull(accounts.get(names.get(i)))[m];
                    if (b != 0) {
                        last[i] = b;
                        age[i] = 0;
                    } else if (++age[i] >= RESULT_HOLDS_MINUTES) {
                        last[i] = 0;
                    }
                    known += last[i] != 0 ? 1 : 0;
                    failing += last[i] == 2 ? 1 : 0;
                }
                fault = known > 0 && failing * 10 > known;
            }
            if (fault) {
                faultMinutes++;
                runStart = runStart < 0 ? m : runStart;
            } else if (runStart >= 0) {
                faults.add(period(from + runStart * 60_000L, from + m * 60_000L, "fault", "", "",
                        "more than 10% of the probed accounts failing", List.of()));
                runStart = -1;
            }
        }
        return new Report.Clause1(true, names, faultMinutes, CLAUSE1_LIMIT_MINUTES,
                1 - faultMinutes / (double) CONTRACT_MINUTES, faultMinutes <= CLAUSE1_LIMIT_MINUTES, faults,
                "each account's last probe result holds until its next probe, at most " + RESULT_HOLDS_MINUTES
                        + " minutes; counted by whole minutes. A failed submission is booked to the sending account, "
                        + "a message not seen to the receiving one, a success to both", byAccount());
    }

    private List<Report.AccountMinutes> byAccount() {
        List<Report.AccountMinutes> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : accounts.entrySet()) {
            long probed = 0;
            long failing = 0;
            for (byte b : e.getValue()) {
                probed += b != 0 ? 1 : 0;
                failing += b == 2 ? 1 : 0;
            }
            out.add(new Report.AccountMinutes(e.getKey(), probed, failing));
        }
        return out;
    }

    private Report.Clause8 clause8(Report.Clause1 c1, Report.Clause2 c2) {
        List<String> missed = new ArrayList<>();
        List<long[]> intervals = new ArrayList<>();
        if (c1.assessed() && !c1.kept()) {
            missed.add("1");
            c1.faults().forEach(p -> intervals.add(span(p)));
        }
        if (!c2.kept()) {
            missed.add("2");
            c2.subjects().forEach(s -> s.outages().forEach(p -> intervals.add(span(p))));
        }
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));
        long total = 0;
        long curStart = Long.MIN_VALUE;
        long curEnd = Long.MIN_VALUE;
        for (long[] i : intervals) {
            if (i[0] > curEnd) {
                total += curEnd - curStart;
                curStart = i[0];
                curEnd = i[1];
            } else {
                curEnd = Math.max(curEnd, i[1]);
            }
        }
        total += curEnd - curStart;
        double outage = minutes(total);
        return new Report.Clause8(missed, outage, 2 * outage, missed.isEmpty()
                ? "no compensation: clauses 1 and 2 were kept (clause 3, power, is not observable from outside)"
                : "twice the outage time of the missed clauses (their periods merged, overlaps counted once); "
                        + "announced maintenance is excluded");
    }

    /**
     * Quotes every record a figure cites, from the lines kept in the pass; only where seqs did not
     * rise (a broken chain), from a second pass that quotes each seq's last line, as the report
     * always did.
     */
    private List<Report.Evidence> evidence(Path journal, Report.Clause2 c2, Report.Clause4 c4, Report.Clause6 c6)
            throws IOException {
        Set<Long> wanted = new HashSet<>();
        c2.subjects().forEach(s -> {
            s.outages().forEach(p -> p.evidence().forEach(r -> wanted.add(r.seq())));
            s.excluded().forEach(p -> p.evidence().forEach(r -> wanted.add(r.seq())));
        });
        for (Report.PathDelay p : c4.paths()) {
            if (p.maxEvidence() != null) {
                wanted.add(p.maxEvidence().seq());
            }
            p.overOneHourEvidence().forEach(r -> wanted.add(r.seq()));
            p.lostEvidence().forEach(r -> wanted.add(r.seq()));
            p.lateEvidence().forEach(r -> wanted.add(r.seq()));
        }
        c4.failedEvidence().forEach(r -> wanted.add(r.seq()));
        c6.rates().forEach(rate -> rate.evidence().forEach(r -> wanted.add(r.seq())));
        Map<Long, Report.Evidence> found = new TreeMap<>();
        if (wanted.isEmpty()) {
            return new ArrayList<>();
        }
        if (!seqsRise) {
            Journal.read(journal, l -> {
                long seq = l.record().path("seq").asLong();
                if (wanted.contains(seq)) {
                    found.put(seq, new Report.Evidence(new Ref(l.segment(), l.line(), seq), l.record().toString()));
                }
            });
            return new ArrayList<>(found.values());
        }
        Map<Ref, byte[]> lines = new HashMap<>(cited);
        lines.putAll(filters.cited());
        states.values().forEach(list -> list.forEach(s -> lines.put(s.ref(), s.line())));
        delays.values().stream().filter(a -> a.maxRef != null).forEach(a -> lines.put(a.maxRef, a.maxLine));
        for (Map.Entry<Ref, byte[]> e : lines.entrySet()) {
            if (wanted.contains(e.getKey().seq())) {
                found.put(e.getKey().seq(), new Report.Evidence(e.getKey(), Journal.tree(e.getValue()).toString()));
            }
        }
        return new ArrayList<>(found.values());
    }

    private static long[] span(Report.Period p) {
        return new long[] {Instant.parse(p.start()).toEpochMilli(), Instant.parse(p.end()).toEpochMilli()};
    }

    private static Report.Period period(long start, long end, String state, String stage, String reason,
            String detail, List<Ref> refs) {
        return new Report.Period(Instant.ofEpochMilli(start).toString(), Instant.ofEpochMilli(end).toString(),
                minutes(end - start), state, stage, reason, detail, refs);
    }

    static double minutes(long ms) {
        return ms / 60_000.0;
    }

    static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    static String pct(double ratio) {
        return String.format(java.util.Locale.ROOT, "%.4f%%", ratio * 100);
    }

}
