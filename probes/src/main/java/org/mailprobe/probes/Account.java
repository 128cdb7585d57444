package org.mailprobe.probes;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A login at the provider: a user name and either a password or an OAuth 2.0 sign-in
 * ({@link #oauth()} not null; then {@link #password()} is empty and unused). No secret ever
 * appears in {@link #toString()}.
 */
public record Account(String user, Secret password, @Nullable OAuthLogin oauth) {
    public Account {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** A password login. */
    public Account(String user, Secret password) {
        this(user, password, null);
    }

    /** An OAuth 2.0 login. */
    public static Account oauth(String user, OAuthLogin oauth) {
        return new Account(user, Secret.of(""), Objects.requireNonNull(oauth, "oauth"));
    }

    /** True if this account signs in with OAuth 2.0 rather than a password. */
    public boolean usesOAuth() {
        return oauth != null;
    }
}
