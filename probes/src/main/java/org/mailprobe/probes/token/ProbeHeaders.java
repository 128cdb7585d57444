package org.mailprobe.probes.token;

import java.util.List;
import java.util.Optional;
import org.mailprobe.probes.ProbeToken;

/** Reads what a watcher needs from a message's headers; nothing here touches a server. */
public final class ProbeHeaders {
    public static final String RECEIVED = "Received";

    private ProbeHeaders() {}

    /**
     * The verified token, if the message carries exactly one token header and it verifies. We
     * write one; a message with two is not one of ours as sent, whatever its MACs say.
     */
    public static Optional<ProbeToken> token(TokenSigner signer, String[] values) {
        if (values == null || values.length != 1) {
            return Optional.empty();
        }
        return signer.verify(values[0]);
    }

    /** Received headers as they appear, newest first; unfolded; empty if none. */
    public static List<String> received(String[] values) {
        if (values == null) {
            return List.of();
        }
        return java.util.Arrays.stream(values)
                .map(v -> v.replaceAll("\\r?\\n[ \\t]+", " ").trim())
                .toList();
    }
}
