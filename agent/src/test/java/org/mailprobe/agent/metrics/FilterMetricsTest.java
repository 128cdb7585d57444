package org.mailprobe.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.filter.FilterOutcome;
import org.mailprobe.probes.filter.SampleDirection;
import org.mailprobe.probes.filter.SampleKind;

@Timeout(30)
class FilterMetricsTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final FilterMetrics metrics = new FilterMetrics(registry);

    @Test
    void everyDirectionKindAndOutcomeOfARouteExistsAtZeroFromTheStart() {
        metrics.registerRoute("filter-in", List.of(SampleDirection.INBOUND, SampleDirection.OUTBOUND));
        String text = registry.scrape();

        for (SampleDirection d : SampleDirection.values()) {
            for (SampleKind k : SampleKind.values()) {
                for (FilterOutcome o : FilterOutcome.values()) {
                    String series = "mailprobe_filter_samples_total{direction=\"" + d.label() + "\",kind=\""
                            + k.label() + "\",outcome=\"" + o.label() + "\",route=\"filter-in\"} 0.0";
                    assertTrue(text.contains(series), series + " missing:\n" + text);
                }
            }
        }
        assertEquals(42, Pattern.compile("(?m)^mailprobe_filter_samples_total\\{").matcher(text).results().count());
        assertTrue(text.contains("mailprobe_filter_unmatched_total{route=\"filter-in\"} 0.0"), text);
        assertTrue(text.contains("mailprobe_filter_batch_last_timestamp_seconds{route=\"filter-in\"} 0.0"), text);
    }

    @Test
    void anInboundOnlyRouteHasNoOutboundSeries() {
        metrics.registerRoute("filter-in", List.of(SampleDirection.INBOUND));

        assertFalse(registry.scrape().contains("direction=\"outbound\""));
    }

    @Test
    void aRecordedSampleCountsUnderItsOwnLabelsOnly() {
        metrics.registerRoute("filter-in", List.of(SampleDirection.INBOUND));

        metrics.recordSample("filter-in", SampleDirection.INBOUND, SampleKind.VIRUS, FilterOutcome.REJECTED);
        metrics.recordUnmatched("filter-in", 2);
        metrics.recordBatchEnd("filter-in", Instant.ofEpochSecond(1_700_000_000));
        String text = registry.scrape();

        assertTrue(text.contains("mailprobe_filter_samples_total{direction=\"inbound\",kind=\"virus\","
                + "outcome=\"rejected\",route=\"filter-in\"} 1.0"), text);
        assertTrue(text.contains("mailprobe_filter_samples_total{direction=\"inbound\",kind=\"spam\","
                + "outcome=\"rejected\",route=\"filter-in\"} 0.0"), text);
        assertTrue(text.contains("mailprobe_filter_unmatched_total{route=\"filter-in\"} 2.0"), text);
        assertTrue(text.contains("mailprobe_filter_batch_last_timestamp_seconds{route=\"filter-in\"} 1.7E9"), text);
    }
}
