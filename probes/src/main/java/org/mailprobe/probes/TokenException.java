package org.mailprobe.probes;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * No access token could be had from a token endpoint or token file. The message and the evidence
 * are safe to log and journal: the endpoint's HTTP status and OAuth error code (RFC 6749 5.2),
 * never the answer's body, a token, or a client secret.
 */
public final class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final @Nullable String oauthError;

    /**
     * @param message what failed, safe to show
     * @param httpStatus the token endpoint's HTTP status; 0 where none was had (no answer, a token file)
     * @param oauthError the OAuth {@code error} code of the answer, e.g. {@code invalid_client}; null if none
     */
    public TokenException(String message, int httpStatus, @Nullable String oauthError, @Nullable Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.oauthError = oauthError;
    }

    /** The token endpoint's HTTP status, if it answered. */
    public Optional<Integer> httpStatus() {
        return httpStatus == 0 ? Optional.empty() : Optional.of(httpStatus);
    }

    /** The OAuth error code the endpoint gave, if any. */
    public Optional<String> oauthError() {
        return Optional.ofNullable(oauthError);
    }
}
