package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.mailprobe.probes.BearerTokenSources;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenGrant;

/**
 * The end-to-end OAuth tests need the probes' token sources (issue 16, lane oauth-probes); until
 * that is merged, {@code BearerTokenSources.open} is a stub and those tests are skipped, not failed.
 */
public final class OAuthImplementation {
    private OAuthImplementation() {}

    public static void assumeMerged() {
        boolean merged;
        try {
            BearerTokenSources.open(new TokenGrant.TokenFile(Path.of("/nonexistent/token")), TlsPolicy.verified(),
                    Timeouts.DEFAULT, Duration.ofMinutes(5)).close();
            merged = true;
        } catch (UnsupportedOperationException e) {
            merged = false;
        }
        Assumptions.assumeTrue(merged, "BearerTokenSources.open is not implemented yet (awaits the oauth-probes merge)");
    }
}
