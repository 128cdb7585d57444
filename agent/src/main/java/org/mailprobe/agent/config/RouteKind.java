package org.mailprobe.agent.config;

import java.util.Locale;

/**
 * What a route measures (DESIGN.md section 2). Only {@code loop} exists so far; {@code send} and
 * {@code receive} are known to the loader so that it can say they are not supported yet.
 */
public enum RouteKind {
    LOOP;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
