package org.mailprobe.probes.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.FailureClassifier;

@Timeout(30)
class TokenFileTokensTest {
    @TempDir
    Path dir;

    private BearerTokens open(Path file) {
        return BearerTokenSources.open(new TokenGrant.TokenFile(file), TlsPolicy.verified(), Timeouts.DEFAULT,
                Duration.ofMinutes(5), ProbeClock.system());
    }

    private static Instant soon() {
        return ProbeClock.system().now().plusSeconds(10);
    }

    @Test
    void theTokenIsTheFileLessItsTrailingNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "eyJ.first\n");

        assertEquals("eyJ.first", open(file).current(soon()).reveal());
    }

    @Test
    void aRewrittenFileIsReadAgain() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "eyJ.first\n");
        BearerTokens tokens = open(file);
        assertEquals("eyJ.first", tokens.current(soon()).reveal());

        Files.writeString(file, "eyJ.second\n"); // same size: only the time tells
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(5)));

        assertEquals("eyJ.second", tokens.current(soon()).reveal());
    }

    @Test
    void aFileOfANewSizeIsReadAgainEvenWithTheSameTime() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "eyJ.first\n");
        BearerTokens tokens = open(file);
        FileTime time = Files.getLastModifiedTime(file);
        assertEquals("eyJ.first", tokens.current(soon()).reveal());

        Files.writeString(file, "eyJ.longer-one\n");
        Files.setLastModifiedTime(file, time);

        assertEquals("eyJ.longer-one", tokens.current(soon()).reveal());
    }

    @Test
    void aMissingFileIsATokenFailure() {
        TokenException e = assertThrows(TokenException.class, () -> open(dir.resolve("absent")).current(soon()));

        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
        assertEquals(Reason.TOKEN, FailureClassifier.classify(e));
    }

    @Test
    void anEmptyFileIsATokenFailure() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "\n");

        TokenException e = assertThrows(TokenException.class, () -> open(file).current(soon()));

        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }
}
