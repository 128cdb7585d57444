package org.mailprobe.probes.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mailprobe.probes.ProbeToken;

class TokenSignerTest {
    static final TokenSigner SIGNER = new TokenSigner(bytes("0123456789abcdef0123456789abcdef"));
    static final ProbeToken TOKEN = new ProbeToken("hq-1", "loop-a", 42, Instant.ofEpochMilli(1_764_000_000_123L));

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void signedTokenVerifiesToTheSameFields() {
        assertEquals(TOKEN, SIGNER.verify(SIGNER.sign(TOKEN)).orElseThrow());
    }

    @Test
    void foldedHeaderStillVerifies() {
        String folded = SIGNER.sign(TOKEN).replace("; n=", ";\r\n\tn=");
        assertEquals(TOKEN, SIGNER.verify(folded).orElseThrow());
    }

    @Test
    void tokenSignedUnderAnotherKeyIsNotOurs() {
        TokenSigner other = new TokenSigner(bytes("another-key-another-key-another!!"));
        assertFalse(SIGNER.verify(other.sign(TOKEN)).isPresent());
    }

    @Test
    void editedFieldIsNotOurs() {
        String signed = SIGNER.sign(TOKEN);
        assertFalse(SIGNER.verify(signed.replace("n=42", "n=43")).isPresent());
        assertFalse(SIGNER.verify(signed.replace("a=hq-1", "a=hq-2")).isPresent());
        assertFalse(SIGNER.verify(signed.replace("t=1764000000123", "t=1764000000124")).isPresent());
    }

    @Test
    void garbageNullAndHugeValuesAreNotOurs() {
        assertFalse(SIGNER.verify(null).isPresent());
        assertFalse(SIGNER.verify("").isPresent());
        assertFalse(SIGNER.verify("v=1; a=x; r=y; n=1; t=2; s=short").isPresent());
        assertFalse(SIGNER.verify("v=1; " + "a".repeat(100_000)).isPresent());
        assertFalse(SIGNER.verify(SIGNER.sign(TOKEN) + "; extra=1").isPresent());
    }

    @Test
    void shortKeyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenSigner(bytes("short")));
        assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
    }

    @Test
    void signerNeverPrintsItsKey() {
        assertFalse(SIGNER.toString().contains("0123456789abcdef"));
    }
}
