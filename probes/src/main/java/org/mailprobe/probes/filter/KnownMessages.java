package org.mailprobe.probes.filter;

import java.util.LinkedHashMap;
import java.util.Map;

/** A bounded set of message places (folder, UIDVALIDITY, UID); the oldest are forgotten first. */
final class KnownMessages {
    private final Map<String, Boolean> places;

    KnownMessages(int capacity) {
        this.places = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True if {@code place} was not known before. */
    synchronized boolean remember(String place) {
        return places.put(place, Boolean.TRUE) == null;
    }
}
