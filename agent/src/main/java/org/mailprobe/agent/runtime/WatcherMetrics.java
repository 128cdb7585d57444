package org.mailprobe.agent.runtime;

import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.Reason;

/** The agent's metrics of its watchers: their series made before the first failure, failures, up. */
final class WatcherMetrics implements WatcherEvents {
    private final AgentMetrics metrics;

    WatcherMetrics(AgentMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void watching(MailboxKey watch) {
        metrics.registerWatcher(watch.path(), watch.mailbox());
    }

    @Override
    public void failed(MailboxKey watch, Reason reason) {
        metrics.recordWatcherFailure(watch.path(), watch.mailbox(), reason);
    }

    @Override
    public void webmailSkipped(String mailbox, String reason) {
        metrics.recordWebmailSkipped(reason);
    }

    @Override
    public void up(MailboxKey watch, boolean up) {
        metrics.setWatcherUp(watch.path(), watch.mailbox(), up);
    }
}
