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

    static void log(ProbeOutcome outcome) {
        StringJoiner paths = new StringJoiner(" ");
        for (WatchKey key : outcome.arrivals().keySet()) {
            Duration d = outcome.delay(key);
            paths.add(key.path().label() + "=" + (d == null ? "-" : d.toMillis() + "ms"));
        }
        if (outcome.reason() == Reason.NONE) {
            logger.info("Probe done. route={} result=success {}", outcome.route(), paths);
        } else {
            logger.warn("Probe done. route={} result=failure reason={} {}", outcome.route(), outcome.reason().label(),
                    paths);
        }
    }
}
