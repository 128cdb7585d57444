package org.mailprobe.agent.runtime;

import java.time.Instant;
import org.mailprobe.agent.metrics.AgentMetrics;

/** Writes a finished probe's figures to the metrics, as computed: nothing is derived here. */
final class FigureMetrics {
    private FigureMetrics() {}

    static void record(AgentMetrics metrics, ProbeFigures f) {
        for (ProbeFigures.PathFigures p : f.paths()) {
            // A probe only in Junk is lost to its user: its delay is evidence in the journal, not a figure.
            if (p.lost()) {
                metrics.recordLost(f.route(), p.watch().path());
            } else if (p.delay() != null) {
                metrics.recordDelay(f.route(), p.watch().path(), p.leg(), p.delay());
            }
            if (p.folder() != null) {
                metrics.recordArrival(f.route(), p.watch().path(), p.folder());
            }
        }
        if (f.estimatedDelay() != null) {
            metrics.recordEstimatedDelay(f.route(), f.leg(), f.estimatedDelay());
        }
        Instant accepted = f.submission().accepted();
        metrics.recordProbe(f.route(), f.reason(), accepted != null ? accepted : Instant.now());
    }
}
