package org.mailprobe.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;

@Timeout(30)
class AgentMetricsTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AgentMetrics metrics = new AgentMetrics(registry, "1.2.3");

    @Test
    void delayHistogramHasTheContractsTwoLimitsAsBucketBounds() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.IMAP));
        metrics.recordDelay("r1", AccessPath.IMAP, "loop", Duration.ofMillis(1500));
        String text = registry.scrape();

        assertTrue(text.contains("mailprobe_delivery_delay_seconds_bucket{leg=\"loop\",path=\"imap\",route=\"r1\",le=\"1.0\"} 0"), text);
        assertTrue(text.contains("le=\"60.0\""), text);
        assertTrue(text.contains("le=\"3600.0\""), text);
        assertTrue(text.contains("mailprobe_delivery_delay_seconds_bucket{leg=\"loop\",path=\"imap\",route=\"r1\",le=\"10.0\"} 1"), text);
        assertTrue(text.contains("mailprobe_delivery_delay_seconds_sum{leg=\"loop\",path=\"imap\",route=\"r1\"} 1.5"), text);
    }

    @Test
    void everyReasonAProbeCanEndWithExistsAtZeroBeforeTheFirstFailure() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.POP3));
        String text = registry.scrape();

        for (Reason reason : RouteScaleMetrics.PROBE_OUTCOMES) {
            assertTrue(text.contains("reason=\"" + reason.label() + "\",result=\""), reason + " missing:\n" + text);
        }
        assertTrue(text.contains("mailprobe_lost_messages_total{path=\"pop3\",route=\"r1\"} 0.0"), text);
        assertTrue(text.contains("mailprobe_probes_in_flight{route=\"r1\"} 0.0"), text);
        assertTrue(text.contains("mailprobe_last_success_timestamp_seconds{route=\"r1\"} 0.0"), text);
    }

    @Test
    void reasonsOnlyChecksAndWebmailLoginsHaveGetNoSeriesPerRoute() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.IMAP));
        String text = registry.scrape();

        for (Reason reason : EnumSet.complementOf(RouteScaleMetrics.PROBE_OUTCOMES)) {
            assertFalse(text.contains("reason=\"" + reason.label() + "\""), reason + " present:\n" + text);
        }
    }

    @Test
    void smtpStagesAreTimedPerServerWhateverTheRoute() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.IMAP));
        metrics.registerRoute("r2", "loop", List.of(AccessPath.IMAP));
        metrics.registerSmtpServer("submission");
        metrics.recordSmtpStage("submission", Stage.DATA, Duration.ofMillis(20));
        metrics.recordSmtpStage("submission", Stage.DATA, Duration.ofMillis(30));

        String text = registry.scrape();
        assertTrue(text.contains("mailprobe_smtp_stage_seconds_count{server=\"submission\",stage=\"data\"} 2"), text);
        assertTrue(text.contains("mailprobe_smtp_stage_seconds_count{server=\"submission\",stage=\"auth\"} 0"), text);
        assertFalse(text.lines().anyMatch(l -> l.startsWith("mailprobe_smtp_stage") && l.contains("route=")), text);
    }

    @Test
    void watcherFailuresAreCountedPerPathAndReasonNotPerMailbox() {
        metrics.registerWatcher(AccessPath.IMAP, "u1@h:993/INBOX");
        metrics.registerWatcher(AccessPath.IMAP, "u2@h:993/INBOX");
        metrics.recordWatcherFailure(AccessPath.IMAP, "u1@h:993/INBOX", Reason.AUTH);
        metrics.recordWatcherFailure(AccessPath.IMAP, "u2@h:993/INBOX", Reason.AUTH);

        String text = registry.scrape();
        assertTrue(text.contains("mailprobe_watcher_failures_total{path=\"imap\",reason=\"auth\"} 2.0"), text);
        assertTrue(text.contains("mailprobe_watcher_failures_total{path=\"imap\",reason=\"timeout\"} 0.0"), text);
        assertTrue(text.contains("mailprobe_watcher_up{mailbox=\"u1@h:993/INBOX\",path=\"imap\"} 0.0"), text);
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
