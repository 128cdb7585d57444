package org.mailprobe.agent.runtime;

import java.time.Instant;
import org.mailprobe.agent.metrics.AgentMetrics;

/** Writes a finished probe's figures to the metrics, as computed: nothing is derived here. */
final class FigureMetrics {
    private FigureMetrics() {}

    static void record(AgentMetrics metrics, ProbeFigures f) {
        for (ProbeFigures.PathFigures p : f.paths()) {
            if (p.delay() != null) {
                metrics.recordDelay(f.route(), p.watch().path(), p.leg(), p.delay());
            } else if (p.lost()) {
                metrics.recordLost(f.route(), p.watch().path());
            }
        }
        if (f.estimatedDelay() != null) {
            metrics.recordEstimatedDelay(f.route(), f.leg(), f.estimatedDelay());
        }
        Instant accepted = f.submission().accepted();
        metrics.recordProbe(f.route(), f.reason(), accepted != null ? accepted : Instant.now());
    }
}
