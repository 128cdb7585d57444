package org.mailprobe.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped rules, checked and unit-tested by promtool (deploy/prometheus/tests: an outage of
 * known length, a maintenance window, a customer-side outage, a scrape gap, a counter reset, the
 * clause-1 threshold, clause-4 averages, the clause-6 rates over a known mix of samples and the
 * alerts), and the shipped Prometheus configs.
 */
@Timeout(120)
class PrometheusRulesTest {
    final Path prometheusDir = PrometheusTools.deployDir().resolve("prometheus");

    @Test
    void everyRuleFilePassesPromtoolCheckRules() throws Exception {
        List<Path> rules = PrometheusTools.files(prometheusDir.resolve("rules"), ".yml");
        assertFalse(rules.isEmpty(), "no rule files in " + prometheusDir.resolve("rules"));
        List<String> command = new ArrayList<>(List.of(PrometheusTools.promtool().toString(), "check", "rules"));
        rules.forEach(r -> command.add(r.toString()));
        PrometheusTools.Run run = PrometheusTools.run(command, prometheusDir, null, Duration.ofSeconds(60));
        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void theRulesPassTheirPromtoolUnitTests() throws Exception {
        List<Path> tests = PrometheusTools.files(prometheusDir.resolve("tests"), "_test.yml");
        assertFalse(tests.size() < 4, "expected the clause 1, 2, 4 and agent tests in " + prometheusDir.resolve("tests"));
        List<String> command = new ArrayList<>(List.of(PrometheusTools.promtool().toString(), "test", "rules"));
        tests.forEach(t -> command.add(t.toString()));
        PrometheusTools.Run run = PrometheusTools.run(command, prometheusDir, null, Duration.ofSeconds(90));
        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void theShippedScrapeConfigsPassPromtoolCheckConfig(@TempDir Path dir) throws Exception {
        // The central config names the rules where an operator installs them; point it at ours.
        String central = Files.readString(prometheusDir.resolve("prometheus.yml"))
                .replace("/etc/prometheus/rules/", prometheusDir.resolve("rules") + "/");
        Path copy = Files.writeString(dir.resolve("prometheus.yml"), central);
        PrometheusTools.Run run = PrometheusTools.run(List.of(PrometheusTools.promtool().toString(), "check", "config",
                copy.toString()), dir, null, Duration.ofSeconds(60));
        assertEquals(0, run.exit(), run.output());
        run = PrometheusTools.run(List.of(PrometheusTools.promtool().toString(), "check", "config", "--agent",
                prometheusDir.resolve("prometheus-agent.yml").toString()), dir, null, Duration.ofSeconds(60));
        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void everyRecordedSeriesTheDashboardQueriesIsRecordedByTheRules() throws Exception {
        Set<String> recorded = new TreeSet<>();
        Matcher record = Pattern.compile("(?m)^\\s*- record: (\\S+)$").matcher(
                Files.readString(prometheusDir.resolve("rules").resolve("mailprobe-records.yml")));
        while (record.find()) {
            recorded.add(record.group(1));
        }
        Set<String> used = new TreeSet<>();
        for (String expr : PrometheusTools.dashboardQueries()) {
            Matcher name = Pattern.compile("(?<![\\w:])([a-z_]*:[a-z0-9_:]+)").matcher(expr);
            while (name.find()) {
                used.add(name.group(1));
            }
        }
        assertFalse(used.isEmpty());
        used.removeAll(recorded);
        assertEquals(Set.of(), used, "the dashboard queries series no rule records");
    }
}
