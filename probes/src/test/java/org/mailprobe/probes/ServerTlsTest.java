package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.testing.TestCa;

/**
 * The one PEM loader (the sink's STARTTLS and the agent's web endpoint): each mistake a user can
 * make with the files is refused in a sentence that names the file, and never shows the key.
 */
@Timeout(60)
class ServerTlsTest {
    @TempDir
    Path dir;

    Path chain;
    Path key;
    Key serverKey;

    @BeforeEach
    void writeTheTestCasServerAsPem() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TestCa.get().serverKeyStore())) {
            store.load(in, TestCa.PASSWORD.toCharArray());
        }
        serverKey = store.getKey("server", TestCa.PASSWORD.toCharArray());
        StringBuilder certificates = new StringBuilder();
        for (Certificate c : store.getCertificateChain("server")) {
            certificates.append(pem("CERTIFICATE", c.getEncoded()));
        }
        chain = Files.writeString(dir.resolve("chain.pem"), certificates, StandardCharsets.US_ASCII);
        key = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", serverKey.getEncoded()),
                StandardCharsets.US_ASCII);
    }

    @Test
    void aChainAndItsKeyMakeAContext() {
        assertNotNull(ServerTls.fromPem(chain, key));
    }

    @Test
    void aChainAndItsKeyWithAClientCaMakeAContext() {
        assertNotNull(ServerTls.fromPem(chain, key, TestCa.get().caPem()));
    }

    @Test
    void aMissingCertificateFileIsNamed() {
        Path missing = dir.resolve("no-such-chain.pem");
        String message = refused(() -> ServerTls.fromPem(missing, key));
        assertTrue(message.contains(missing.toString()) && message.contains("no such file"), message);
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = dir.resolve("no-such-key.pem");
        String message = refused(() -> ServerTls.fromPem(chain, missing));
        assertTrue(message.contains(missing.toString()) && message.contains("no such file"), message);
    }

    @Test
    void aMissingClientCaFileIsNamed() {
        Path missing = dir.resolve("no-such-ca.pem");
        String message = refused(() -> ServerTls.fromPem(chain, key, missing));
        assertTrue(message.contains(missing.toString()) && message.contains("no such file"), message);
    }

    @Test
    void aCertificateFileWithoutACertificateIsNamed() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        String message = refused(() -> ServerTls.fromPem(empty, key));
        assertTrue(message.contains(empty.toString()) && message.contains("no PEM certificate"), message);
    }

    @Test
    void aKeyFileWithoutAKeyIsNamed() {
        String message = refused(() -> ServerTls.fromPem(chain, chain));
        assertTrue(message.contains(chain.toString()) && message.contains("no private key"), message);
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefusedNamingBothFiles() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(serverKey.getAlgorithm());
        Path other = Files.writeString(dir.resolve("other.pem"),
                pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()));
        String message = refused(() -> ServerTls.fromPem(chain, other));
        assertTrue(message.contains(other.toString()) && message.contains(chain.toString())
                && message.contains("does not match"), message);
    }

    @Test
    void anEncryptedKeyIsRefusedNamingTheFile() throws Exception {
        Path encrypted = Files.writeString(dir.resolve("encrypted.pem"),
                pem("ENCRYPTED PRIVATE KEY", "c2VjcmV0LWtleS1ieXRlcw".getBytes(StandardCharsets.US_ASCII)));
        String message = refused(() -> ServerTls.fromPem(chain, encrypted));
        assertTrue(message.contains(encrypted.toString()) && message.contains(" is encrypted"), message);
    }

    @Test
    void aTraditionalRsaKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path traditional = Files.writeString(dir.resolve("rsa.pem"),
                pem("RSA PRIVATE KEY", "c2VjcmV0LWtleS1ieXRlcw".getBytes(StandardCharsets.US_ASCII)));
        String message = refused(() -> ServerTls.fromPem(chain, traditional));
        assertTrue(message.contains(traditional.toString()) && message.contains("openssl pkcs8 -topk8"), message);
        assertFalse(message.contains("YzJWa"), message);
    }

    private static String refused(org.junit.jupiter.api.function.Executable load) {
        return assertThrows(IllegalArgumentException.class, load).getMessage();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
