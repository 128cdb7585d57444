package org.mailprobe.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.mailprobe.probes.filter.FilterOutcome;
import org.mailprobe.probes.filter.SampleDirection;
import org.mailprobe.probes.filter.SampleKind;

/**
 * The meters of filter routes (contract clause 6, issue 14), beside {@link AgentMetrics} in the
 * same registry. Every route, direction, kind and outcome exists at zero from the start, so that
 * the rates of deploy/prometheus are defined before the first sample; a route has at most 2 x 3 x 7
 * = 42 sample series. No label takes a token, a variant or a file name (the journal has them).
 */
public final class FilterMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> batchEndMillis = new ConcurrentHashMap<>();

    public FilterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Creates every series of one filter route at zero; call once per route at start. */
    public void registerRoute(String route, Collection<SampleDirection> directions) {
        for (SampleDirection direction : directions) {
            for (SampleKind kind : SampleKind.values()) {
                for (FilterOutcome outcome : FilterOutcome.values()) {
                    samples(route, direction, kind, outcome);
                }
            }
        }
        unmatched(route);
        AtomicLong end = batchEndMillis.computeIfAbsent(route, r -> new AtomicLong());
        Gauge.builder("mailprobe.filter.batch.last.timestamp", end, v -> v.get() / 1000.0)
                .description("When the filter route's last batch of samples was finished: every sample classified "
                        + "(Unix time); 0 if none yet")
                .baseUnit("seconds").tag("route", route).register(registry);
    }

    /** One sample's outcome, once, after its journal record was written. */
    public void recordSample(String route, SampleDirection direction, SampleKind kind, FilterOutcome outcome) {
        samples(route, direction, kind, outcome).increment();
    }

    /** Messages that look like our samples (subject prefix) but match none outstanding; left alone. */
    public void recordUnmatched(String route, int count) {
        if (count > 0) {
            unmatched(route).increment(count);
        }
    }

    /** The end of a batch: every one of its samples has its outcome. */
    public void recordBatchEnd(String route, Instant when) {
        batchEndMillis.computeIfAbsent(route, r -> new AtomicLong()).set(when.toEpochMilli());
    }

    private Counter samples(String route, SampleDirection direction, SampleKind kind, FilterOutcome outcome) {
        return Counter.builder("mailprobe.filter.samples")
                .description("Filter samples classified, by direction, kind and outcome (clause 6; failed is in no "
                        + "rate)")
                .tags("route", route, "direction", direction.label(), "kind", kind.label(), "outcome",
                        outcome.label())
                .register(registry);
    }

    private Counter unmatched(String route) {
        return Counter.builder("mailprobe.filter.unmatched")
                .description("Messages that looked like filter samples but matched no outstanding one; never touched")
                .tag("route", route)
                .register(registry);
    }
}
