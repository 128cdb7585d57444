package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.util.StringJoiner;
import org.mailprobe.probes.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per finished probe, with its delay per path. */
final class OutcomeLog {
    private static final Logger logger = LoggerFactory.getLogger("org.mailprobe.probe");

    private OutcomeLog() {}

    static void log(ProbeFigures outcome) {
        StringJoiner paths = new StringJoiner(" ");
        for (ProbeFigures.PathFigures p : outcome.paths()) {
            Duration d = p.delay();
            paths.add(p.watch().path().label() + "=" + (d == null ? "-" : d.toMillis() + "ms")
                    + (p.belowResolution() ? "(below_resolution)" : "")
                    + (p.junk() ? "(junk)" : p.folder() != null ? "(folder=" + p.folder() + ")" : ""));
        }
        if (outcome.reason() == Reason.NONE) {
            logger.info("Probe done. route={} result=success {}", outcome.route(), paths);
        } else {
            logger.warn("Probe done. route={} result=failure reason={} {}", outcome.route(), outcome.reason().label(),
                    paths);
        }
    }
}
