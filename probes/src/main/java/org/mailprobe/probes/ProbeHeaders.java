package org.mailprobe.probes;

import java.util.List;
import java.util.Optional;

/** Reads what a watcher needs from a message's headers; nothing here touches a server. */
final class ProbeHeaders {
    static final String RECEIVED = "Received";

    private ProbeHeaders() {}

    /**
     * The verified token, if the message carries exactly one token header and it verifies. We
     * write one; a message with two is not one of ours as sent, whatever its MACs say.
     */
    static Optional<ProbeToken> token(TokenSigner signer, String[] values) {
        if (values == null || values.length != 1) {
            return Optional.empty();
        }
        return signer.verify(values[0]);
    }

    /** Received headers as they appear, newest first; unfolded; empty if none. */
    static List<String> received(String[] values) {
        if (values == null) {
            return List.of();
        }
        return java.util.Arrays.stream(values)
                .map(v -> v.replaceAll("\\r?\\n[ \\t]+", " ").trim())
                .toList();
    }
}
