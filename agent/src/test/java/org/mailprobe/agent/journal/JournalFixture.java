package org.mailprobe.agent.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.mailprobe.agent.config.JournalConfig;

/** Builds journals on a clock the test moves, and edits their files (plain or gzip) line by line. */
public final class JournalFixture implements AutoCloseable {
    public Instant now;
    public final Journal journal;

    public JournalFixture(Path dir, Instant start) throws IOException {
        this(dir, start, JournalConfig.defaults(dir));
    }

    public JournalFixture(Path dir, Instant start, JournalConfig config) throws IOException {
        now = start;
        journal = Journal.open(config, "agent-1", "site-1", () -> now);
    }

    public JournalFixture at(Instant t) {
        now = t;
        return this;
    }

    public long event(String event) throws IOException {
        ObjectNode r = Journal.newRecord();
        r.put("event", event);
        return journal.append("event", r);
    }

    public long state(Instant at, String scope, String name, String state, String stage, String reason,
            String detail) throws IOException {
        now = at;
        ObjectNode r = Journal.newRecord();
        r.put("at", at.toString());
        r.put("scope", scope);
        r.put("name", name);
        r.put("state", state);
        r.put("stage", stage);
        r.put("reason", reason);
        r.put("detail", detail);
        return journal.append("state", r);
    }

    /** A loop probe accepted at {@code accepted}; {@code delay} null: lost on the path; accepted null: failed submission. */
    public long probe(String account, Instant accepted, Instant started, Duration delay, String path)
            throws IOException {
        ObjectNode r = Journal.newRecord();
        r.put("probe", "agent-1/loop-" + account + "/" + started.toEpochMilli());
        r.put("route", "loop-" + account);
        r.put("leg", "loop");
        r.put("account", account);
        boolean ok = accepted != null && delay != null;
        r.put("outcome", ok ? "success" : "failure");
        r.put("reason", ok ? "none" : accepted == null ? "connect" : "lost");
        r.put("started", started.toString());
        r.put("accepted", accepted == null ? null : accepted.toString());
        ArrayNode paths = r.putArray("paths");
        if (accepted != null) {
            ObjectNode p = paths.addObject().put("path", path).put("mailbox", account + "@mail.test:993/INBOX");
            if (delay == null) {
                p.put("lost", true);
            } else {
                p.put("seen_at", accepted.plus(delay).toString());
                p.put("delay_ms", delay.toMillis());
                p.putArray("received").add("from mx.test by mail.test; " + accepted);
            }
        }
        now = accepted != null && delay != null ? accepted.plus(delay) : started.plusSeconds(1);
        return journal.append("probe", r);
    }

    @Override
    public void close() {
        journal.close();
    }

    public static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Segments.Segment s : Segments.list(dir)) {
            out.add(s.file());
        }
        return out;
    }

    public static List<String> lines(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = file.toString().endsWith(".gz") ? new GZIPInputStream(in).readAllBytes() : in.readAllBytes();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        return new ArrayList<>(Arrays.asList(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1));
    }

    public static void write(Path file, List<String> lines) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (String l : lines) {
            buf.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(Files.newOutputStream(file))
                : Files.newOutputStream(file)) {
            out.write(buf.toByteArray());
        }
    }
}
