package org.mailprobe.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.received.ReceivedChain;
import org.mailprobe.probes.received.ReceivedHop;
import org.mailprobe.probes.received.SendDelayEstimate;
import org.mailprobe.probes.submit.SubmissionResult;

/**
 * Probes in the journal: a {@code submitted} record when the provider accepted a probe (so that
 * after a restart it is expected again), and a {@code probe} record when it is finished, with
 * every timestamp, the outcome and its reason, and per path the arrival and its Received chain.
 */
public final class ProbeJournal {
    private final Journal journal;

    public ProbeJournal(Journal journal) {
        this.journal = journal;
    }

    void submitted(String key, String leg, SubmissionResult s, @Nullable Instant deadline, Set<MailboxKey> watches) {
        ObjectNode r = Journal.newRecord();
        r.put("probe", key);
        r.put("route", s.token().route());
        r.put("leg", leg);
        r.put("sent_at", s.token().stampedAt().toString());
        r.put("started", s.started().toString());
        // Only an accepted submission is journaled here, with its deadline.
        r.put("accepted", Objects.requireNonNull(s.accepted(), "accepted").toString());
        r.put("deadline", Objects.requireNonNull(deadline, "deadline").toString());
        ArrayNode w = r.putArray("watch");
        for (MailboxKey k : watches) {
            w.addObject().put("path", k.path().label()).put("mailbox", k.mailbox());
        }
        journal.appendOrLog("submitted", r);
    }

    /**
     * Writes a finished probe's record from its figures, byte for byte as before the figures were
     * typed (the chain hashes the bytes; ProbeRecordBytesTest), with the additions of issue 12 after
     * today's fields: the order of a sighting before the 250 was read, and the submitting account.
     *
     * @throws IOException if the record could not be appended: it is then not evidence
     */
    void finished(ProbeFigures f) throws IOException {
        journal.append("probe", record(f));
    }

    static ObjectNode record(ProbeFigures f) {
        SubmissionResult s = f.submission();
        ObjectNode r = Journal.newRecord();
        r.put("probe", s.token().key());
        r.put("route", f.route());
        r.put("leg", f.leg());
        if (f.routeKnown()) {
            r.put("account", f.toAccount());
            r.put("to", f.recipient());
        }
        r.put("outcome", f.reason() == Reason.NONE ? "success" : "failure");
        r.put("reason", f.reason().label());
        r.put("sent_at", s.token().stampedAt().toString());
        r.put("started", s.started() == null ? null : s.started().toString());
        r.put("accepted", s.accepted() == null ? null : s.accepted().toString());
        r.put("failed_stage", s.failedStage() == null ? null : s.failedStage().label());
        ObjectNode stages = r.putObject("stages_ms");
        for (Map.Entry<Stage, Duration> e : s.stages().entrySet()) {
            stages.put(e.getKey().label(), e.getValue().toMillis());
        }
        r.put("last_reply", s.lastReply());
        r.put("detail", s.detail());
        if (f.resumed()) {
            r.put("resumed_after_restart", true);
        }
        ArrayNode paths = r.putArray("paths");
        for (ProbeFigures.PathFigures pf : f.paths()) {
            ObjectNode p = paths.addObject();
            p.put("path", pf.watch().path().label());
            if (!pf.leg().equals(f.leg())) {
                p.put("leg", pf.leg());
            }
            p.put("mailbox", pf.watch().mailbox());
            Arrival a = pf.arrival();
            if (a == null) {
                p.put("lost", pf.lost());
                continue;
            }
            p.put("seen_at", a.seenAt().toString());
            if (pf.delay() != null) {
                p.put("delay_ms", pf.delay().toMillis());
            }
            if (pf.belowResolution()) {
                p.put("order", ORDER_SEEN_FIRST);
                p.put("seen_before_accepted_ms", Objects.requireNonNull(pf.seenBeforeAccepted()).toMillis());
            }
            arrival(p, a);
            // Issue 14, after the fields above (the chain hashes the bytes): only for a watch of
            // several folders or a sighting in Junk, so every other record stays as it was.
            if (pf.folder() != null) {
                p.put("folder", a.folder());
                if (a.junk()) {
                    p.put("junk_folder", true);
                }
            }
            if (pf.junk()) {
                p.put("lost", true); // not delivered to the user's view: accounted like lost (clauses 1, 4)
            }
        }
        if (f.estimate() != null) {
            estimate(r.putObject("send_estimate"), f.estimate(), f.estimatedDelay());
        }
        if (f.estimatedDelay() != null) {
            // The send leg's figure of this route, on its own path so the report keeps it apart.
            ObjectNode p = paths.addObject();
            p.put("path", AgentMetrics.ESTIMATE_PATH);
            p.put("estimate", true);
            p.put("delay_ms", f.estimatedDelay().toMillis());
        }
        if (f.fromAccount() != null) {
            r.put("from_account", f.fromAccount());
        }
        return r;
    }

    /** What a path's record says when the watcher saw the message before our client read the 250. */
    static final String ORDER_SEEN_FIRST = "seen before the server's 250 was read: delay below resolution";

    /** The sighting's own evidence: server time, watcher evidence, Received chain and its hops. */
    private static void arrival(ObjectNode p, Arrival a) {
        p.put("server_time", a.serverTime() == null ? null : a.serverTime().toString());
        ObjectNode evidence = p.putObject("evidence");
        a.evidence().forEach(evidence::put);
        ArrayNode received = p.putArray("received");
        a.received().forEach(received::add);
        hops(p.putArray("hops"), ReceivedChain.parse(a.received()));
    }

    /**
     * A probe seen on a path after it was declared lost there: its true delay, which is the figure
     * clause 4's one-hour limit is about.
     */
    void late(LateArrival l) throws IOException {
        ObjectNode r = Journal.newRecord();
        r.put("probe", l.arrival().token().key());
        r.put("route", l.route());
        r.put("leg", l.leg());
        r.put("account", l.toAccount());
        if (l.fromAccount() != null) {
            r.put("from_account", l.fromAccount());
        }
        r.put("path", l.watch().path().label());
        r.put("mailbox", l.watch().mailbox());
        r.put("accepted", Objects.requireNonNull(l.accepted(), "a late probe was accepted").toString());
        r.put("timeout_ms", l.timeout().toMillis());
        r.put("seen_at", l.arrival().seenAt().toString());
        r.put("delay_ms", l.delay().toMillis());
        arrival(r, l.arrival());
        Arrival a = l.arrival();
        if (a.junk() || !l.watch().mailbox().endsWith("/" + a.folder())) {
            // Seen in another folder than the watch's first (issue 14), e.g. in Junk after its timeout.
            r.put("folder", a.folder());
            if (a.junk()) {
                r.put("junk_folder", true);
            }
        }
        journal.append("late", r);
    }

    /** Per hop, oldest first: who stamped it, when (server clock), and the delay since the hop before. */
    static void hops(ArrayNode out, ReceivedChain chain) {
        List<Duration> delays = chain.hopDelays();
        for (int i = 0; i < chain.hops().size(); i++) {
            ReceivedHop h = chain.hops().get(i);
            ObjectNode o = out.addObject();
            o.put("from", h.from());
            o.put("by", h.by());
            o.put("with", h.with());
            o.put("at", h.timestamp() == null ? null : h.timestamp().toString());
            Duration d = delays.get(i);
            if (d != null) {
                o.put("delay_ms", d.toMillis());
            }
        }
    }

    /** An estimated send delay: figures from server clocks, labelled so. */
    static void estimate(ObjectNode o, SendDelayEstimate.Result result, @Nullable Duration delay) {
        o.put("kind", "estimate from Received headers (server clocks, 1 s resolution)");
        if (result.estimate().isEmpty()) {
            o.put("available", false);
            o.put("why", result.reason());
            return;
        }
        SendDelayEstimate e = result.estimate().get();
        o.put("available", true);
        o.put("delay_ms", Objects.requireNonNull(delay, "an estimate has a delay").toMillis());
        o.put("provider_first_stamp", e.providerFirstStamp().toString());
        o.put("handoff_stamp", e.handoffStamp().toString());
        o.put("handoff_by_destination", e.handoffByDestination());
        o.put("provider_clock_skew_ms", e.providerSkew() == null ? null : e.providerSkew().toMillis());
        o.put("note", e.note());
    }

    /** A probe accepted before a restart and not finished then. */
    public record Unfinished(String key, String route, String leg, SubmissionResult submission, Instant deadline,
            Set<MailboxKey> watches) {}

    /**
     * The probes the journal saw accepted and not finished, looking back {@code lookBack} (the
     * longest route timeout): they are expected again after a restart.
     */
    public static List<Unfinished> unfinished(Journal journal, String agentId, Duration lookBack) throws IOException {
        Map<String, JsonNode> submitted = new LinkedHashMap<>();
        Set<String> finished = new HashSet<>();
        Instant since = Instant.now().minus(lookBack).minus(Duration.ofDays(1));
        for (var s : org.mailprobe.agent.journal.Segments.list(journal.dir())) {
            if (s.start().isBefore(since.minus(Duration.ofDays(1)))) {
                continue;
            }
            Journal.read(s, located -> {
                JsonNode rec = located.record();
                String type = rec.path("type").asText();
                if (type.equals("submitted")) {
                    submitted.put(rec.path("probe").asText(), rec);
                } else if (type.equals("probe")) {
                    finished.add(rec.path("probe").asText());
                }
            });
        }
        List<Unfinished> result = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : submitted.entrySet()) {
            if (finished.contains(e.getKey())) {
                continue;
            }
            JsonNode rec = e.getValue();
            String[] parts = e.getKey().split("/");
            if (parts.length != 3 || !parts[0].equals(agentId)) {
                continue;
            }
            ProbeToken token = new ProbeToken(parts[0], parts[1], Long.parseLong(parts[2]),
                    Instant.parse(rec.path("sent_at").asText()));
            SubmissionResult s = new SubmissionResult(token, Reason.NONE, null, Instant.parse(rec.path("started")
                    .asText()), Instant.parse(rec.path("accepted").asText()), Map.of(), "", "");
            Set<MailboxKey> watches = new LinkedHashSet<>();
            for (JsonNode w : rec.path("watch")) {
                watches.add(new MailboxKey(AccessPath.valueOf(w.path("path").asText().toUpperCase(java.util.Locale.ROOT)),
                        w.path("mailbox").asText()));
            }
            result.add(new Unfinished(e.getKey(), rec.path("route").asText(), rec.path("leg").asText(), s,
                    Instant.parse(rec.path("deadline").asText()), watches));
        }
        return result;
    }
}
