package org.mailprobe.agent.config;

import java.util.Objects;
import org.mailprobe.probes.Account;

/**
 * A mailbox at the provider, by the name routes refer to it.
 *
 * @param name the key under {@code accounts:}
 * @param address its mail address: where probes to it are sent, and the sender of probes from it
 * @param login the login name and password (the password never appears in toString)
 */
public record AccountConfig(String name, String address, Account login) {
    public AccountConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(login, "login");
    }
}
