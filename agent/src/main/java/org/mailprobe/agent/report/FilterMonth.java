package org.mailprobe.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.report.Report.Ref;

/**
 * Clause 6 of a month from the journal's {@code filter_sample} records (issue 14): each sample
 * counts in the month it was sent, once its outcome is known; those our own side failed to send
 * are in no rate. The outcome labels are the probes' {@code FilterOutcome}'s, read as text: the
 * report imports only the journal.
 */
final class FilterMonth {
    static final List<String> DIRECTIONS = List.of("inbound", "outbound");
    static final List<String> KINDS = List.of("virus", "spam", "clean");
    /** Every outcome from the provider, in the order the report lists them; {@code failed} is apart. */
    static final List<String> OUTCOMES = List.of("rejected", "withheld", "junk", "cleaned", "tagged", "untouched");
    static final String FAILED = "failed";

    private record RateDef(String name, String kind, @Nullable Double target, Predicate<String> counts,
            boolean countedIsAgainst, String definition) {}

    private static final List<RateDef> RATES = List.of(
            new RateDef("virus detection", "virus", 0.999, o -> !o.equals("untouched"), false,
                    "virus samples not delivered untouched to the inbox / virus samples"),
            new RateDef("virus removal", "virus", 0.995, Set.of("rejected", "withheld", "cleaned")::contains, false,
                    "virus samples rejected, withheld or delivered with the virus removed / virus samples"),
            new RateDef("spam filtering", "spam", 0.96, o -> !o.equals("untouched"), false,
                    "spam samples not delivered untouched to the inbox / spam samples"),
            new RateDef("false positives", "clean", null, o -> !o.equals("untouched"), true,
                    "clean samples not delivered untouched to the inbox / clean samples"));

    private final long from;
    private final long to;
    /** Counts by direction, kind and outcome (failed included). */
    private final Map<String, Long> counts = new HashMap<>();
    /** The records that count against some rate, by direction, kind and outcome (the first MAX_REFS each). */
    private final Map<String, List<Ref>> refs = new HashMap<>();
    private final Map<Ref, byte[]> cited = new HashMap<>();
    /** Counts by direction, kind and outcome, then by variant: which wrapper a filter misses. */
    private final Map<String, Map<String, Long>> variants = new HashMap<>();
    private long unrecognised;
    private boolean any;

    FilterMonth(long from, long to) {
        this.from = from;
        this.to = to;
    }

    void accept(JsonNode r, long time, Ref ref, byte[] line) {
        String sent = r.path("sent_at").asText("");
        long when = sent.isEmpty() ? time : IsoInstants.millis(sent);
        if (when < from || when >= to) {
            return;
        }
        any = true;
        String direction = r.path("direction").asText();
        String kind = r.path("kind").asText();
        String outcome = r.path("outcome").asText();
        if (!DIRECTIONS.contains(direction) || !KINDS.contains(kind)
                || !(OUTCOMES.contains(outcome) || outcome.equals(FAILED))) {
            unrecognised++;
            return;
        }
        String key = key(direction, kind, outcome);
        counts.merge(key, 1L, Long::sum);
        variants.computeIfAbsent(key, k -> new TreeMap<>()).merge(r.path("variant").asText(), 1L, Long::sum);
        if (againstSomeRate(kind, outcome)) {
            List<Ref> list = refs.computeIfAbsent(key, k -> new ArrayList<>());
            if (list.size() < MonthlyReport.MAX_REFS) {
                list.add(ref);
                cited.put(ref, line);
            }
        }
    }

    private static boolean againstSomeRate(String kind, String outcome) {
        for (RateDef d : RATES) {
            if (d.kind().equals(kind) && !outcome.equals(FAILED) && d.counts().test(outcome) == d.countedIsAgainst()) {
                return true;
            }
        }
        return false;
    }

    /** The lines of the records the rates cite, to quote as evidence. */
    Map<Ref, byte[]> cited() {
        return cited;
    }

    Report.Clause6 build() {
        if (!any) {
            return new Report.Clause6(false, List.of(), List.of(), 0, "not measured: no filter sample was sent "
                    + "this month (no route of kind filter), so nothing is known of the provider's virus and spam "
                    + "filtering");
        }
        List<Report.FilterSamples> samples = new ArrayList<>();
        List<Report.FilterRate> rates = new ArrayList<>();
        for (String direction : DIRECTIONS) {
            if (KINDS.stream().noneMatch(k -> total(direction, k, true) > 0)) {
                continue;
            }
            for (String kind : KINDS) {
                Map<String, Long> outcomes = new LinkedHashMap<>();
                OUTCOMES.forEach(o -> outcomes.put(o, count(direction, kind, o)));
                samples.add(new Report.FilterSamples(direction, kind, total(direction, kind, false),
                        count(direction, kind, FAILED), outcomes));
            }
            for (RateDef d : RATES) {
                rates.add(rate(direction, d));
            }
        }
        return new Report.Clause6(true, samples, rates, unrecognised, "rates are over the samples sent in the "
                + "month whose outcome came from the provider (a sample our own side failed to send is in no rate); "
                + "bounds are exact (Clopper-Pearson), each one-sided at 95%: the rate is at least the lower bound "
                + "and at most the upper one, each with 95% confidence. Met: the lower bound reaches the target; "
                + "not met: the upper bound is below it; otherwise the month's samples are too few to say"
                + (unrecognised > 0 ? "; " + unrecognised + " record(s) with an outcome, kind or direction the "
                        + "report does not know are in no count" : ""));
    }

    private Report.FilterRate rate(String direction, RateDef d) {
        long n = total(direction, d.kind(), false);
        long counted = 0;
        List<Ref> evidence = new ArrayList<>();
        Map<String, Long> byVariant = new TreeMap<>();
        for (String o : OUTCOMES) {
            long c = count(direction, d.kind(), o);
            if (d.counts().test(o)) {
                counted += c;
            }
            if (d.counts().test(o) == d.countedIsAgainst()) {
                evidence.addAll(refs.getOrDefault(key(direction, d.kind(), o), List.of()));
                variants.getOrDefault(key(direction, d.kind(), o), Map.of())
                        .forEach((variant, k) -> byVariant.merge(variant, k, Long::sum));
            }
        }
        evidence.sort(Comparator.comparingLong(Ref::seq));
        evidence = new ArrayList<>(evidence.subList(0, Math.min(evidence.size(), MonthlyReport.MAX_REFS)));
        long against = d.countedIsAgainst() ? counted : n - counted;
        Double rate = n == 0 ? null : counted / (double) n;
        double lower = Confidence.lower(counted, n);
        double upper = Confidence.upper(counted, n);
        Double target = d.target();
        String head = d.name() + " (" + direction + "): ";
        if (n == 0) {
            String none = head + "no " + d.kind() + " sample with an outcome this month.";
            Long needed = null;
            if (target != null) {
                needed = Confidence.samplesNeeded(target);
                none = head + "no " + d.kind() + " sample with an outcome this month; a month needs at least "
                        + thousands(needed) + " with no miss to show " + target(target) + ".";
            }
            return new Report.FilterRate(direction, d.name(), d.definition(), target, 0, 0, 0, byVariant, null,
                    lower, upper, "no samples", needed, null, none, evidence);
        }
        String figures = head + counted + " of " + n + " " + d.kind() + " samples (" + pct(counted / (double) n)
                + ")" + variants(against, byVariant) + "; with 95% confidence the rate is at least "
                + pct(lower) + " and at most " + pct(upper);
        if (target == null) {
            return new Report.FilterRate(direction, d.name(), d.definition(), null, n, counted, against, byVariant,
                    rate, lower, upper, "no contract target", null, null, figures + ". The contract sets no target "
                            + "for false positives; each one is mail a user did not get as sent.", evidence);
        }
        long needed = Confidence.samplesNeeded(target);
        String verdict;
        Long neededNow = null;
        String says;
        if (lower >= target) {
            verdict = "met";
            says = ": met, the lower bound reaches " + target(target) + ".";
        } else if (upper < target) {
            verdict = "not met";
            says = ": not met, even the upper bound is below " + target(target) + ".";
        } else {
            verdict = "not enough samples to say";
            neededNow = Confidence.samplesNeeded(target, against);
            says = ": not enough samples to say. A month needs " + thousands(needed) + " samples with no miss for "
                    + "the lower bound to reach " + target(target) + (against == 0 ? "" : "; with the " + against
                            + " miss(es) seen, " + (neededNow < 0 ? "more than " + thousands(
                                    Confidence.MAX_SAMPLES_SEARCHED) : thousands(neededNow)) + " in all, the rest "
                            + "without a miss") + ".";
        }
        return new Report.FilterRate(direction, d.name(), d.definition(), target, n, counted, against, byVariant,
                rate, lower, upper, verdict, needed, neededNow, figures + says, evidence);
    }

    /** How many count against the provider and of which variants: "; 1 against the provider (eicar-zip 1)". */
    private static String variants(long against, Map<String, Long> byVariant) {
        if (against == 0) {
            return "";
        }
        return "; " + against + " against the provider (" + byVariant.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
    }

    private long total(String direction, String kind, boolean withFailed) {
        long n = 0;
        for (String o : OUTCOMES) {
            n += count(direction, kind, o);
        }
        return withFailed ? n + count(direction, kind, FAILED) : n;
    }

    private long count(String direction, String kind, String outcome) {
        return counts.getOrDefault(key(direction, kind, outcome), 0L);
    }

    private static String key(String direction, String kind, String outcome) {
        return direction + "\u0000" + kind + "\u0000" + outcome;
    }

    /** A rate as a percentage, one decimal finer than clause 6's finest target (99.9%): 99.896%. */
    static String pct(double ratio) {
        return String.format(java.util.Locale.ROOT, "%.3f%%", ratio * 100);
    }

    /** A contract target as the contract writes it: 99.9%, 99.5%, 96%. */
    static String target(double ratio) {
        return java.math.BigDecimal.valueOf(ratio * 100).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString() + "%";
    }

    static String thousands(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
