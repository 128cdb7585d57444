package org.mailprobe.probes.oauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.FailureClassifier;

/** Each grant against a real OAuth 2.0 authorization server (mock-oauth2-server) on loopback. */
@Timeout(60)
class BearerTokenSourcesTest {
    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(10));

    private final ScriptedAnswers scripted = new ScriptedAnswers();
    private MockOAuth2Server server;
    private BearerTokens tokens;

    @BeforeEach
    void start() {
        server = new MockOAuth2Server(scripted);
        server.start();
    }

    @AfterEach
    void stop() {
        if (tokens != null) {
            tokens.close();
        }
        server.shutdown();
    }

    private URI endpoint() {
        return server.tokenEndpointUrl("issuer1").uri();
    }

    private BearerTokens open(TokenGrant grant) {
        tokens = BearerTokenSources.open(grant, TlsPolicy.verified(), TIMEOUTS, Duration.ofMinutes(5), true, ProbeClock.system());
        return tokens;
    }

    private static Instant soon() {
        return ProbeClock.system().now().plusSeconds(20);
    }

    private static Map<String, String> form(RecordedRequest request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.getBody().readUtf8().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    @Test
    void clientCredentialsWithASecretGetsTheEndpointsToken() throws Exception {
        BearerTokens t = open(new TokenGrant.ClientCredentials(endpoint(), "client-1",
                new TokenGrant.ClientAuthentication.ClientSecret(Secret.of("s3cret-value")),
                List.of("https://outlook.office365.com/.default")));

        Secret token = t.current(soon());

        SignedJWT jwt = SignedJWT.parse(token.reveal());
        assertTrue(jwt.getJWTClaimsSet().getIssuer().endsWith("/issuer1"), "issued by the mock server");
        Map<String, String> form = form(server.takeRequest(5, TimeUnit.SECONDS));
        assertEquals("client_credentials", form.get("grant_type"));
        assertEquals("client-1", form.get("client_id"));
        assertEquals("s3cret-value", form.get("client_secret"));
        assertEquals("https://outlook.office365.com/.default", form.get("scope"));
    }

    @Test
    void clientCredentialsWithACertificateSignsAnAssertionCarryingTheThumbprints(@TempDir Path dir) throws Exception {
        X509Certificate certificate = clientCertificate(dir);
        BearerTokens t = open(new TokenGrant.ClientCredentials(endpoint(), "client-2",
                new TokenGrant.ClientAuthentication.Certificate(dir.resolve("client.pem"), dir.resolve("client.key")),
                List.of("mail")));

        assertNotNull(t.current(soon()));

        Map<String, String> form = form(server.takeRequest(5, TimeUnit.SECONDS));
        assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form.get("client_assertion_type"));
        assertFalse(form.containsKey("client_secret"));
        SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
        JWSVerifier verifier = new RSASSAVerifier((RSAPublicKey) certificate.getPublicKey());
        assertTrue(assertion.verify(verifier), "signed with the certificate's key");
        byte[] der = certificate.getEncoded();
        assertEquals(Base64URL.encode(MessageDigest.getInstance("SHA-1").digest(der)).toString(),
                assertion.getHeader().toJSONObject().get("x5t"), "Microsoft's x5t: the SHA-1 thumbprint");
        assertEquals(Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(der)).toString(),
                assertion.getHeader().toJSONObject().get("x5t#S256"));
        assertEquals("client-2", assertion.getJWTClaimsSet().getIssuer());
        assertEquals("client-2", assertion.getJWTClaimsSet().getSubject());
        assertEquals(List.of(endpoint().toString()), assertion.getJWTClaimsSet().getAudience());
        assertNotNull(assertion.getJWTClaimsSet().getJWTID());
    }

    @Test
    void refreshTokenGrantSendsTheRotatedRefreshTokenNextTime() throws Exception {
        enqueue(200, "{\"access_token\":\"access-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"refresh-2\"}");
        enqueue(200, "{\"access_token\":\"access-2\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        BearerTokens t = open(new TokenGrant.RefreshToken(endpoint(), "client-3", Secret.of("client-secret-3"),
                Secret.of("refresh-1"), List.of("https://mail.google.com/")));

        Secret first = t.current(soon());
        t.refused(first);
        Secret second = t.current(soon());

        assertEquals("access-1", first.reveal());
        assertEquals("access-2", second.reveal());
        Map<String, String> one = form(server.takeRequest(5, TimeUnit.SECONDS));
        Map<String, String> two = form(server.takeRequest(5, TimeUnit.SECONDS));
        assertEquals("refresh_token", one.get("grant_type"));
        assertEquals("refresh-1", one.get("refresh_token"));
        assertEquals("client-secret-3", one.get("client_secret"));
        assertEquals("refresh-2", two.get("refresh_token"), "the rotated refresh token replaced the old one");
    }

    @Test
    void refusedClientIsATokenFailureWithTheStatusAndCodeOnly() {
        enqueue(401, "{\"error\":\"invalid_client\",\"error_description\":"
                + "\"AADSTS7000215: Invalid client secret provided: s3cret-value\"}");
        BearerTokens t = open(new TokenGrant.ClientCredentials(endpoint(), "client-1",
                new TokenGrant.ClientAuthentication.ClientSecret(Secret.of("s3cret-value")), List.of("mail")));

        TokenException e = assertThrows(TokenException.class, () -> t.current(soon()));

        assertEquals(401, e.httpStatus().orElseThrow());
        assertEquals("invalid_client", e.oauthError().orElseThrow());
        assertEquals("the token endpoint answered HTTP 401 invalid_client", e.getMessage());
        assertEquals(Reason.TOKEN, FailureClassifier.classify(e));
        assertEquals("the token endpoint answered HTTP 401 invalid_client", FailureClassifier.describe(e));
    }

    @Test
    void plainHttpEndpointIsRefusedUnlessAllowed() {
        TokenGrant grant = new TokenGrant.ClientCredentials(endpoint(), "client-1",
                new TokenGrant.ClientAuthentication.ClientSecret(Secret.of("x")), List.of());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BearerTokenSources.open(grant, TlsPolicy.verified(), TIMEOUTS, Duration.ofMinutes(5), ProbeClock.system()));

        assertTrue(e.getMessage().contains("is not https"), e.getMessage());
    }

    @Test
    void checkFetchesOneTokenAndTellsItsLifetime() throws Exception {
        TokenGrant grant = new TokenGrant.ClientCredentials(endpoint(), "client-1",
                new TokenGrant.ClientAuthentication.ClientSecret(Secret.of("x")), List.of("mail"));

        Duration lifetime = BearerTokenSources.check(grant, TlsPolicy.verified(), TIMEOUTS, true, soon(), ProbeClock.system()).orElseThrow();

        // The server counts its 3600 s from its own clock, so a second may have passed.
        assertTrue(lifetime.compareTo(Duration.ofSeconds(3590)) > 0 && lifetime.compareTo(Duration.ofSeconds(3600)) <= 0,
                lifetime.toString());
    }

    /** The next token request gets this answer instead of the server's own. */
    private void enqueue(int status, String body) {
        scripted.answers.add(new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), status, body, null));
    }

    /**
     * mock-oauth2-server 3.0.1's enqueueResponse only throws ("use the MockWebServer directly"); a
     * route of our own, consulted before its token endpoint, does what it did.
     */
    private static final class ScriptedAnswers implements Route {
        final java.util.Queue<OAuth2HttpResponse> answers = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public boolean match(OAuth2HttpRequest request) {
            return !answers.isEmpty() && request.getUrl().encodedPath().endsWith("/token");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return answers.remove();
        }
    }

    /** A self-signed RSA certificate and its PKCS#8 key as PEM files, made with the JDK's keytool. */
    static X509Certificate clientCertificate(Path dir) throws Exception {
        Path store = dir.resolve("client.p12");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-J-XX:TieredStopAtLevel=1", "-genkeypair", "-alias", "client", "-keyalg", "RSA",
                "-keysize", "2048", "-dname", "CN=mailprobe-client", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, new String(out, StandardCharsets.UTF_8));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) keys.getKey("client", "changeit".toCharArray());
        X509Certificate certificate = (X509Certificate) keys.getCertificate("client");
        Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(dir.resolve("client.pem"), "-----BEGIN CERTIFICATE-----\n"
                + pem.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(dir.resolve("client.key"), "-----BEGIN PRIVATE KEY-----\n"
                + pem.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        assertArrayEquals(key.getEncoded(), key.getEncoded());
        assertNotEquals(0, certificate.getEncoded().length);
        return certificate;
    }
}
