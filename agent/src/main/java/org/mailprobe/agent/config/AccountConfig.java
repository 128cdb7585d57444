package org.mailprobe.agent.config;

import java.util.Objects;
import java.util.Optional;
import org.mailprobe.probes.Account;

/**
 * A mailbox at the provider, by the name routes refer to it.
 *
 * @param name the key under {@code accounts:}
 * @param address its mail address: where probes to it are sent, and the sender of probes from it
 * @param login the login name and password, or OAuth 2.0 sign-in (no secret appears in toString)
 */
public record AccountConfig(String name, String address, Account login) {
    public AccountConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(login, "login");
    }

    /** The account's {@code oauth2:} tokens, if it signs in with OAuth 2.0 from a loaded config. */
    public Optional<AccountTokens> tokens() {
        return login.oauth() != null && login.oauth().tokens() instanceof AccountTokens
                ? Optional.of((AccountTokens) login.oauth().tokens()) : Optional.empty();
    }
}
