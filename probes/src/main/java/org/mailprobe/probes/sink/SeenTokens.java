package org.mailprobe.probes.sink;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mailprobe.probes.ProbeToken;

/**
 * The tokens the sink has accepted, so that each is accepted once. An entry is kept until its
 * token leaves the replay window (from then on the token is refused as stale anyway), and at most
 * {@link ReplayWindow#capacity()} entries are kept, the oldest forgotten first, so a flood of
 * genuine-looking tokens cannot grow the sink's memory.
 */
final class SeenTokens {
    enum Verdict { FIRST, REPLAY, STALE }

    private final ReplayWindow window;
    /** Token key to the instant its window closes; in the order first seen. */
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

    SeenTokens(ReplayWindow window) {
        this.window = window;
    }

    /** Checks {@code token} at {@code now} and, if it is fresh and new, remembers it. */
    synchronized Verdict admit(ProbeToken token, Instant now) {
        expire(now);
        if (!window.fresh(token, now)) {
            return Verdict.STALE;
        }
        if (seen.containsKey(token.key())) {
            return Verdict.REPLAY;
        }
        seen.put(token.key(), token.stampedAt().plus(window.of(token.route())));
        while (seen.size() > window.capacity()) {
            Iterator<String> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return Verdict.FIRST;
    }

    /** Tokens remembered now. */
    synchronized int size() {
        return seen.size();
    }

    /**
     * Forgets tokens whose window has closed, from the oldest on; entries are in arrival order,
     * which is close to send-time order, so a later entry with a shorter window waits a little.
     */
    private void expire(Instant now) {
        Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().isBefore(now)) {
            it.remove();
        }
    }
}
