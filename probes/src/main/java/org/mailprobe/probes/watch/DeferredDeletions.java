package org.mailprobe.probes.watch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.mailprobe.probes.ProbeToken;

/**
 * Our own probes that a deleting watcher (IMAP, POP3) saw before another path (webmail, which
 * only reads) had seen them too: kept by the server's id and deleted once the listener says the
 * probe is finished. Bounded: the oldest are forgotten (and stay in the mailbox) beyond
 * {@link #MAX}. Not thread-safe: the watcher thread's.
 */
final class DeferredDeletions<K> {
    static final int MAX = 10_000;

    private final Map<K, ProbeToken> kept = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, ProbeToken> eldest) {
            return size() > MAX;
        }
    };

    void keep(K id, ProbeToken token) {
        kept.put(id, token);
    }

    /** Removes and returns the ids whose probes may now be deleted. */
    List<Map.Entry<K, ProbeToken>> due(Predicate<ProbeToken> mayDelete) {
        List<Map.Entry<K, ProbeToken>> due = new ArrayList<>();
        for (Iterator<Map.Entry<K, ProbeToken>> it = kept.entrySet().iterator(); it.hasNext();) {
            Map.Entry<K, ProbeToken> e = it.next();
            if (mayDelete.test(e.getValue())) {
                due.add(Map.entry(e.getKey(), e.getValue()));
                it.remove();
            }
        }
        return due;
    }

    /** Forgets ids no longer in the mailbox (deleted by someone else). */
    void retain(Set<K> present) {
        kept.keySet().retainAll(present);
    }

    void clear() {
        kept.clear();
    }

    boolean isEmpty() {
        return kept.isEmpty();
    }

    int size() {
        return kept.size();
    }
}
