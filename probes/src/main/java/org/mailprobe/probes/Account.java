package org.mailprobe.probes;

import java.util.Objects;

/** A login at the provider. The password never appears in {@link #toString()}. */
public record Account(String user, Secret password) {
    public Account {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }
}
