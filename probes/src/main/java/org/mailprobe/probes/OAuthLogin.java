package org.mailprobe.probes;

import java.util.Objects;

/** An account's OAuth 2.0 sign-in: its tokens and the SASL mechanism that carries them. */
public record OAuthLogin(BearerTokens tokens, OAuthMechanism mechanism) {
    public OAuthLogin {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(mechanism, "mechanism");
    }
}
