package org.mailprobe.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Reason;

class AgentMetricsTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AgentMetrics metrics = new AgentMetrics(registry, "1.2.3");

    @Test
    void delayHistogramHasTheContractsTwoLimitsAsBucketBounds() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.IMAP));
        metrics.recordDelay("r1", AccessPath.IMAP, "loop", Duration.ofMillis(1500));
        String text = registry.scrape();

        assertTrue(text.contains("mailprobe_delivery_delay_seconds_bucket{leg=\"loop\",path=\"imap\",route=\"r1\",le=\"0.05\"} 0"), text);
        assertTrue(text.contains("le=\"60.0\""), text);
        assertTrue(text.contains("le=\"3600.0\""), text);
        assertTrue(text.contains("mailprobe_delivery_delay_seconds_bucket{leg=\"loop\",path=\"imap\",route=\"r1\",le=\"2.0\"} 1"), text);
        assertTrue(text.contains("mailprobe_delivery_delay_seconds_sum{leg=\"loop\",path=\"imap\",route=\"r1\"} 1.5"), text);
    }

    @Test
    void everyReasonOfARouteExistsAtZeroBeforeTheFirstFailure() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.POP3));
        String text = registry.scrape();

        for (Reason reason : Reason.values()) {
            assertTrue(text.contains("reason=\"" + reason.label() + "\",result=\""), reason + " missing:\n" + text);
        }
        assertTrue(text.contains("mailprobe_lost_messages_total{path=\"pop3\",route=\"r1\"} 0.0"), text);
        assertTrue(text.contains("mailprobe_probes_in_flight{route=\"r1\"} 0.0"), text);
        assertTrue(text.contains("mailprobe_last_success_timestamp_seconds{route=\"r1\"} 0.0"), text);
    }

    @Test
    void webmailSkippedEntriesAreCountedByReasonFromZero() {
        metrics.registerWatcher(AccessPath.WEBMAIL, "u@h:443/INBOX");
        assertTrue(registry.scrape().contains("mailprobe_webmail_skipped_total{reason=\"unparsable\"} 0.0"));
        metrics.recordWebmailSkipped("oversized");

        String text = registry.scrape();
        assertTrue(text.contains("mailprobe_webmail_skipped_total{reason=\"oversized\"} 1.0"), text);
        assertTrue(text.contains("mailprobe_webmail_skipped_total{reason=\"unparsable\"} 0.0"), text);
    }

    @Test
    void successSetsTheLastSuccessTimestamp() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.IMAP));
        metrics.recordProbe("r1", Reason.NONE, Instant.ofEpochSecond(1_764_000_000L));

        String text = registry.scrape();
        assertTrue(text.contains("mailprobe_last_success_timestamp_seconds{route=\"r1\"} 1.764E9"), text);
        assertTrue(text.contains("mailprobe_probes_total{reason=\"none\",result=\"success\",route=\"r1\"} 1.0"), text);
    }

    @Test
    void failureSetsTheLastFailureTimestampAndLeavesTheSuccessOne() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.IMAP));
        assertTrue(registry.scrape().contains("mailprobe_last_failure_timestamp_seconds{route=\"r1\"} 0.0"));
        metrics.recordProbe("r1", Reason.NONE, Instant.ofEpochSecond(1_764_000_000L));
        metrics.recordProbe("r1", Reason.CONNECT, Instant.ofEpochSecond(1_764_000_060L));

        String text = registry.scrape();
        assertTrue(text.contains("mailprobe_last_failure_timestamp_seconds{route=\"r1\"} 1.76400006E9"), text);
        assertTrue(text.contains("mailprobe_last_success_timestamp_seconds{route=\"r1\"} 1.764E9"), text);
    }

    @Test
    void buildInfoCarriesTheVersion() {
        String text = registry.scrape();
        assertTrue(text.contains("mailprobe_build_info{") && text.contains("version=\"1.2.3\""), text);
        assertFalse(text.contains("token"), text);
    }
}
