package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.report.MonthlyReportTest;

/** A Prometheus that cannot be reached never costs the report: it is written, the comparison marked unavailable. */
@Timeout(60)
class ReportCommandPrometheusTest {
    @TempDir
    Path dir;

    @Test
    void anUnreachablePrometheusGivesAClearErrorAndTheJournalsReport() throws Exception {
        MonthlyReportTest.june(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        for (String format : new String[] {"md", "html", "json"}) {
            Cli cli = new Cli();
            int exit = cli.run("report", "--journal", dir.toString(), "--month", "2025-06", "--format", format,
                    "--prometheus", "http://127.0.0.1:" + port, "--prometheus-timeout", "5");
            assertEquals(0, exit, cli.err.toString());
            String err = cli.err.toString();
            assertTrue(err.contains("mailprobe report: the Prometheus comparison is unavailable: cannot reach "
                    + "Prometheus at http://127.0.0.1:" + port), err);
            String out = cli.out.toString();
            switch (format) {
                case "md":
                    assertTrue(out.contains("## Clause 2: reachability"), out);
                    assertTrue(out.contains("**Comparison unavailable**: cannot reach Prometheus"), out);
                    break;
                case "html":
                    assertTrue(out.contains("<table class=\"summary\" id=\"summary\">"), out);
                    assertTrue(out.contains("<b>Comparison unavailable</b>: cannot reach Prometheus"), out);
                    break;
                default:
                    JsonNode json = new ObjectMapper().readTree(out);
                    assertEquals(50.0, json.path("clause2").path("subjects").get(0).path("minutes_down").asDouble());
                    assertEquals(false, json.path("prometheus").path("available").asBoolean(true));
                    assertTrue(json.path("prometheus").path("error").asText().startsWith("cannot reach Prometheus"));
            }
        }
    }

    @Test
    void aUrlThatIsNotOneIsSaidSo() throws Exception {
        MonthlyReportTest.june(dir);
        Cli cli = new Cli();
        assertEquals(0, cli.run("report", "--journal", dir.toString(), "--month", "2025-06",
                "--prometheus", "not a url"), cli.err.toString());
        assertTrue(cli.err.toString().contains("--prometheus 'not a url' is not a URL like http://prometheus:9090"),
                cli.err.toString());
    }
}
