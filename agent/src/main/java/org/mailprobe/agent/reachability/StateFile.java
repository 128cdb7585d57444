package org.mailprobe.agent.reachability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only record of state changes, {@code reachability-states.jsonl} in the state
 * directory: one JSON object per line, never rewritten, so a month's outage periods can be listed
 * from it. Where the agent keeps a journal, every line goes into it too, as a {@code state} or
 * {@code event} record, hash-chained with the probes (issue 7). A write that fails is logged and
 * does not stop the accounting.
 */
public final class StateFile implements AutoCloseable {
    public static final String NAME = "reachability-states.jsonl";
    private static final Logger logger = LoggerFactory.getLogger(StateFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final OutputStream out;
    private final @Nullable Journal journal;

    public StateFile(Path dir) throws IOException {
        this(dir, null);
    }

    /** As {@link #StateFile(Path)}, writing every line to {@code journal} too, unless it is null. */
    public StateFile(Path dir, @Nullable Journal journal) throws IOException {
        this.journal = journal;
        Files.createDirectories(dir);
        file = dir.resolve(NAME);
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    public Path path() {
        return file;
    }

    public void write(StateChange c) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", c.time().toString());
        line.put("scope", c.scope());
        line.put("name", c.name());
        line.put("previous", c.previous() == null ? null : c.previous().label());
        line.put("state", c.state().label());
        line.put("stage", c.stage());
        line.put("reason", c.reason());
        line.put("detail", c.detail());
        append(line);
        if (journal != null) {
            var r = Journal.newRecord();
            r.put("at", c.time().toString());
            r.put("scope", c.scope());
            r.put("name", c.name());
            r.put("previous", c.previous() == null ? null : c.previous().label());
            r.put("state", c.state().label());
            r.put("stage", c.stage());
            r.put("reason", c.reason());
            r.put("detail", c.detail());
            journal.appendOrLog("state", r);
        }
    }

    /** An event of the agent's own (started, stopped, reloaded): it explains gaps and window changes. */
    public void event(Instant time, String event, String detail) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", time.toString());
        line.put("event", event);
        line.put("detail", detail);
        append(line);
        if (journal != null) {
            var r = Journal.newRecord();
            r.put("at", time.toString());
            r.put("event", "reachability_" + event);
            r.put("detail", detail);
            journal.appendOrLog("event", r);
        }
    }

    private synchronized void append(Map<String, Object> line) {
        try {
            out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (JsonProcessingException e) {
            logger.error("Cannot write a state change as JSON. line={}", line, e);
        } catch (IOException e) {
            logger.error("Cannot append to the state file. file={} error={}", file, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            logger.warn("Closing the state file failed. file={} error={}", file, e.toString());
        }
    }
}
