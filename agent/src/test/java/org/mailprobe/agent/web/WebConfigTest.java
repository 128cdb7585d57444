package org.mailprobe.agent.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.probes.testing.TestCa;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** The endpoint protected as Prometheus exporters are: a web config file with TLS and bcrypt basic auth. */
@Timeout(60)
class WebConfigTest {
    @TempDir
    Path dir;

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void withoutCredentialsTheMetricsAre401AndWithThem200() throws Exception {
        Path file = Files.writeString(dir.resolve("web.yml"),
                "basic_auth_users:\n  prometheus: " + BCrypt.hashpw("s3cret", BCrypt.gensalt(4)) + "\n");
        try (WebServer web = new WebServer(new InetSocketAddress("127.0.0.1", 0), WebConfig.load(file), registry, () -> true)) {
            web.start();
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://" + web.hostPort() + "/metrics";
            assertEquals(401, http.send(get(url, null), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(get(url, "prometheus:wrong"), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(get(url, "nobody:s3cret"), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(get("http://" + web.hostPort() + "/-/healthy", null),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(get(url, "prometheus:s3cret"), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(get(url, "prometheus:s3cret"), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void overTlsAClientTrustingTheTestCaGetsTheMetrics() throws Exception {
        writeServerPem();
        Path file = Files.writeString(dir.resolve("web.yml"), String.join("\n",
                "tls_server_config:",
                "  cert_file: server.crt",
                "  key_file: server.key",
                "basic_auth_users:",
                "  prometheus: " + BCrypt.hashpw("s3cret", BCrypt.gensalt(4)),
                ""));
        try (WebServer web = new WebServer(new InetSocketAddress("127.0.0.1", 0), WebConfig.load(file), registry, () -> true)) {
            web.start();
            String url = "https://localhost:" + web.address().getPort() + "/metrics";
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(TestCa.get().caPem()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> ok = trusting.send(get(url, "prometheus:s3cret"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("# HELP") || ok.body().isEmpty(), ok.body());
            assertEquals(401, trusting.send(get(url, null), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpClient jdkRoots = HttpClient.newHttpClient();
            assertThrows(SSLHandshakeException.class, () -> jdkRoots.send(get(url, "prometheus:s3cret"),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void aKeyOfTheFormatMailprobeDoesNotImplementIsRejectedByName() throws Exception {
        Path file = Files.writeString(dir.resolve("web.yml"), "http_server_config:\n  http2: true\n");
        ConfigException e = assertThrows(ConfigException.class, () -> WebConfig.load(file));
        assertTrue(e.getMessage().contains("web.yml: http_server_config: unknown or unsupported key"), e.getMessage());
    }

    @Test
    void aPasswordInClearIsRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  prometheus: s3cret\n");
        ConfigException e = assertThrows(ConfigException.class, () -> WebConfig.load(file));
        assertTrue(e.getMessage().contains("basic_auth_users.prometheus: not a bcrypt hash"), e.getMessage());
        assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsAConfigErrorNamingTheWebConfigAndBothFiles() throws Exception {
        writeServerPem();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Files.writeString(dir.resolve("other.key"), pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()),
                StandardCharsets.US_ASCII);
        Path file = Files.writeString(dir.resolve("web.yml"),
                "tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n");
        ConfigException e = assertThrows(ConfigException.class, () -> WebConfig.load(file));
        assertTrue(e.getMessage().contains("web.yml: tls_server_config: the key in " + dir.resolve("other.key")
                + " does not match the certificate in " + dir.resolve("server.crt")), e.getMessage());
    }

    /** The test CA's server key and chain as PEM files, as an operator would have them. */
    private void writeServerPem() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TestCa.get().serverKeyStore())) {
            store.load(in, TestCa.PASSWORD.toCharArray());
        }
        var key = store.getKey("server", TestCa.PASSWORD.toCharArray());
        Files.writeString(dir.resolve("server.key"), pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        StringBuilder chain = new StringBuilder();
        for (Certificate c : store.getCertificateChain("server")) {
            chain.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Files.writeString(dir.resolve("server.crt"), chain, StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static HttpRequest get(String url, String userPassword) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (userPassword != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    userPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return b.build();
    }
}
