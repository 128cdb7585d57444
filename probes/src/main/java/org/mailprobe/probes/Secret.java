package org.mailprobe.probes;

import java.util.Objects;

/**
 * A password or key that must never be printed. {@link #toString()} is redacted, so a secret that
 * ends up in a log line, an exception message or a record's toString shows as {@code ****}.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        return new Secret(value);
    }

    /** The clear value; call only where it is handed to a server or a MAC. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "****";
    }
}
