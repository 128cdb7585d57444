package org.mailprobe.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped rules, checked and unit-tested by promtool (deploy/prometheus/tests: an outage of
 * known length, a maintenance window, a customer-side outage, a scrape gap, a counter reset, the
 * clause-1 threshold, clause-4 averages and the alerts), and the shipped Prometheus configs.
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
}
