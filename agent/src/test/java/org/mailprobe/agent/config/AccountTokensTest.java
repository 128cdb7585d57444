package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.oauth.TokenGrant;

/** An account's tokens open their source at first use, once, and close it for good. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AccountTokensTest {
    private static final OAuthConfig CONFIG = new OAuthConfig(new TokenGrant.TokenFile(Path.of("/run/token")),
            OAuthMechanism.AUTO, Duration.ofMinutes(5), TlsPolicy.verified(), Timeouts.DEFAULT, false);
    private static final Instant DEADLINE = Instant.now().plusSeconds(60);

    /** A token source that hands out one token and says whether it was closed. */
    private static final class Source implements BearerTokens {
        final List<String> calls = new ArrayList<>();

        @Override
        public Secret current(Instant deadline) {
            calls.add("current");
            return Secret.of("t");
        }

        @Override
        public void refused(Secret refused) {
            calls.add("refused");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void sourceIsOpenedOnceAtFirstUse() throws Exception {
        List<Source> opened = new ArrayList<>();
        AccountTokens tokens = new AccountTokens("m365", CONFIG, (g, tls, t, ahead, plain) -> {
            Source s = new Source();
            opened.add(s);
            return s;
        });

        tokens.current(DEADLINE);
        tokens.current(DEADLINE);

        assertEquals(1, opened.size());
        assertEquals(List.of("current", "current"), opened.get(0).calls);
    }

    @Test
    void closingClosesTheOpenedSource() throws Exception {
        Source source = new Source();
        AccountTokens tokens = new AccountTokens("m365", CONFIG, (g, tls, t, ahead, plain) -> source);
        tokens.current(DEADLINE);

        tokens.close();

        assertEquals(List.of("current", "close"), source.calls);
        assertTrue(tokens.isClosed());
        assertFalse(tokens.isOpen());
    }

    @Test
    void closedTokensOpenNothingAgain() {
        List<Source> opened = new ArrayList<>();
        AccountTokens tokens = new AccountTokens("m365", CONFIG, (g, tls, t, ahead, plain) -> {
            Source s = new Source();
            opened.add(s);
            return s;
        });
        tokens.close();

        TokenException e = assertThrows(TokenException.class, () -> tokens.current(DEADLINE));

        assertEquals(List.of(), opened);
        assertEquals("the tokens of account m365 are closed: its config was replaced or the agent is stopping",
                e.getMessage());
    }

    @Test
    void sourceThatCannotBeOpenedIsATokenFailureWithoutItsMessage() {
        AccountTokens tokens = new AccountTokens("m365", CONFIG, (g, tls, t, ahead, plain) -> {
            throw new IllegalArgumentException("bad key s3cr3t-value");
        });

        TokenException e = assertThrows(TokenException.class, () -> tokens.current(DEADLINE));

        assertEquals("cannot set up the token source of account m365: IllegalArgumentException", e.getMessage());
        assertTrue(e.httpStatus().isEmpty());
    }
}
