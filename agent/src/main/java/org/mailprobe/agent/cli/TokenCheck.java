package org.mailprobe.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AccountTokens;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.OAuthConfig;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.oauth.BearerTokenSources;

/**
 * {@code check-config --fetch-token} (issue 16): one token per OAuth 2.0 account, to prove its
 * credentials. Prints each outcome, never a token; the evidence of a failure is what a probe's
 * journal record would hold: the endpoint's HTTP status and OAuth error code.
 */
final class TokenCheck {
    private TokenCheck() {}

    /** True if every OAuth account got a token; the config's tokens are closed afterwards. */
    static boolean fetchAll(AgentConfig config, PrintWriter out, InstantSource clock) {
        boolean all = true;
        int accounts = 0;
        try {
            for (AccountConfig account : config.accounts().values()) {
                Optional<AccountTokens> tokens = account.tokens();
                if (tokens.isPresent()) {
                    accounts++;
                    all &= fetch(account.name(), tokens.get().config(), out, clock);
                }
            }
        } finally {
            config.closeTokens();
        }
        if (accounts == 0) {
            out.println("no account signs in with oauth2: no token to fetch");
        }
        return all;
    }

    private static boolean fetch(String name, OAuthConfig oauth, PrintWriter out, InstantSource clock) {
        Duration budget = oauth.timeouts().connect().plus(oauth.timeouts().read());
        Optional<Duration> lifetime;
        try {
            // Uncached and on its own: no refresh is left running after the check.
            lifetime = BearerTokenSources.check(oauth.grant(), oauth.tls(), oauth.timeouts(), oauth.insecurePlainHttp(),
                    clock.instant().plus(budget), clock);
        } catch (TokenException e) {
            out.println("account " + name + ": no token: " + evidence(e));
            return false;
        } catch (RuntimeException e) {
            // Only the class: a message from the token library might quote a secret it was given.
            out.println("account " + name + ": no token: cannot set up the token source: "
                    + e.getClass().getSimpleName());
            return false;
        }
        out.println("account " + name + ": token fetched (" + lifetime
                .map(d -> "expires in " + d.toSeconds() + " s")
                .orElse("expiry not given") + ")");
        return true;
    }

    /** The failure with its evidence as key=value: the HTTP status and OAuth error code, never the body. */
    static String evidence(TokenException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        StringBuilder fields = new StringBuilder();
        e.httpStatus().ifPresent(status -> fields.append("http_status=").append(status));
        e.oauthError().ifPresent(error -> fields.append(fields.length() > 0 ? " " : "").append("oauth_error=")
                .append(error));
        return fields.length() == 0 ? text.toString() : text.append(" (").append(fields).append(')').toString();
    }
}
