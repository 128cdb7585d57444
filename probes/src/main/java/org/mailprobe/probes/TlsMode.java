package org.mailprobe.probes;

import java.util.Locale;

/** How a connection is protected. */
public enum TlsMode {
    /** No TLS at all (port 25 between MTAs, or a test server). */
    PLAIN,
    /** Connect in clear, then STARTTLS; the probe fails if the server does not offer it. */
    STARTTLS,
    /** TLS from the first byte (465, 993, 995). */
    IMPLICIT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code plain}, {@code starttls} or {@code implicit} (also {@code tls}, {@code ssl}). */
    public static TlsMode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "plain":
            case "none":
                return PLAIN;
            case "starttls":
                return STARTTLS;
            case "implicit":
            case "tls":
            case "ssl":
                return IMPLICIT;
            default:
                throw new IllegalArgumentException(
                        "'" + text + "' is not a TLS mode; use plain, starttls or implicit");
        }
    }
}
