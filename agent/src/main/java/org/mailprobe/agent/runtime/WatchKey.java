package org.mailprobe.agent.runtime;

import org.mailprobe.probes.AccessPath;

/** One path into one mailbox: what a route waits on, and what a watcher reports. */
public record WatchKey(AccessPath path, String mailbox) {
    @Override
    public String toString() {
        return path.label() + " " + mailbox;
    }
}
