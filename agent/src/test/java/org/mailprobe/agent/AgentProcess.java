package org.mailprobe.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar running as its own process, its log (stderr) read line by line, and the
 * metrics address it announces. {@link #stop()} sends SIGTERM through the process handle, because
 * {@link Process#destroy()} also closes our end of its stderr and would lose the shutdown log.
 */
public final class AgentProcess implements AutoCloseable {
    static final Pattern SERVING = Pattern.compile("address=(http://\\S+/metrics)");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> metricsUrl = new CompletableFuture<>();
    private final Thread reader;

    private AgentProcess(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java().toString(), "-jar", jar().toString()));
        command.addAll(args);
        process = new ProcessBuilder(command).start();
        reader = new Thread(this::readLog, "agent-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code mailprobe run --config CONFIG} on a free loopback port. */
    public static AgentProcess run(Path config) throws IOException {
        return new AgentProcess(List.of("run", "--config", config.toString(), "--web.listen-address", "127.0.0.1:0"));
    }

    static Path jar() {
        return Path.of(System.getProperty("mailprobe.jar", "target/mailprobe.jar"));
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The metrics address the agent logged, or null if it exited without one. */
    public String metricsUrl(Duration within) throws InterruptedException, ExecutionException, TimeoutException {
        return metricsUrl.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    Process process() {
        return process;
    }

    List<String> log() {
        return log;
    }

    public String logText() {
        return String.join("\n", log);
    }

    /** SIGTERM, then waits for the exit and the last log lines; true if it stopped within 30 s. */
    public boolean stop() throws InterruptedException {
        process.toHandle().destroy();
        boolean stopped = process.waitFor(30, TimeUnit.SECONDS);
        reader.join(5000);
        return stopped;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() && !stop()) {
            process.destroyForcibly();
        }
    }

    private void readLog() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                log.add(line);
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    metricsUrl.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            metricsUrl.completeExceptionally(e);
        }
        metricsUrl.complete(null);
    }
}
