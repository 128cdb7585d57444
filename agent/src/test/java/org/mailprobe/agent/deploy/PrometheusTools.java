package org.mailprobe.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds Debian's Prometheus binaries and the shipped deploy files for the tests. A missing binary
 * fails the test with a sentence naming the package: these tests are never skipped.
 */
public final class PrometheusTools {
    static final String INSTALL_HINT = "install Debian's 'prometheus' package (it has /usr/bin/prometheus and "
            + "/usr/bin/promtool): bash deploy/install-test-deps.sh, or apt-get install prometheus";

    private PrometheusTools() {}

    public static Path promtool() {
        return onPath("promtool");
    }

    public static Path prometheus() {
        return onPath("prometheus");
    }

    /** The repository's deploy/ directory (the agent module's tests run in agent/). */
    public static Path deployDir() {
        Path dir = Path.of(System.getProperty("mailprobe.deploy", "../deploy")).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dir.resolve("prometheus")), "no deploy/prometheus under " + dir);
        return dir;
    }

    public static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Every PromQL query of the shipped Grafana dashboard. */
    public static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(deployDir().resolve("grafana").resolve("mailprobe-dashboard.json")
                .toFile());
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        return queries;
    }

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    public record Run(int exit, String output) {}

    public static Run run(List<String> command, Path workDir, String stdin, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("mailprobe-cmd", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Path onPath(String name) {
        List<Path> tried = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            tried.add(candidate);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path debian = Path.of("/usr/bin", name);
        if (Files.isExecutable(debian)) {
            return debian;
        }
        return fail(name + " is not installed (not on PATH, not in /usr/bin); the Prometheus tests need it: "
                + INSTALL_HINT);
    }
}
