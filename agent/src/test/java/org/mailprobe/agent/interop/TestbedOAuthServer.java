package org.mailprobe.agent.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.http.Ssl;
import no.nav.security.mock.oauth2.http.SslKeystore;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.mailprobe.probes.testing.Testbed;

/**
 * The testbed's OAuth 2.0 authorization server: mock-oauth2-server on the fixed loopback port and
 * over the HTTPS that deploy/testbed/up wrote into Dovecot's oauth2 passdb ({@code OAUTH_*} in
 * testbed.env), issuer {@code testbed}. Tokens name their mailbox by client id ({@link TestbedTokens});
 * client secrets are not checked. One per JVM, since the port is fixed: {@link #shared}.
 *
 * <p>Around the library, for the tests: a revoked client's token requests are answered 401
 * {@code invalid_client}; a token past its {@code exp} is introspected as inactive at once (the
 * library allows 60 s of clock skew, which would hide expiry from a test); and every token issued
 * and every introspection is recorded, so a test can grep outputs for each token and see which
 * tokens the mail servers were shown.
 *
 * <p>By hand: {@code deploy/testbed/oauth-server} runs {@link #main} (see deploy/testbed/README.md).
 */
public final class TestbedOAuthServer {
    public static final String ISSUER_ID = "testbed";
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static TestbedOAuthServer shared;

    /** One introspection request: the token shown and whether it was answered active. */
    public record Introspection(String token, boolean active, Instant at) {}

    private final Testbed bed;
    private final MockOAuth2Server server;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final List<Introspection> introspections = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> tokenRequests = new ConcurrentHashMap<>();
    private final Map<String, Duration> lifetimes = new ConcurrentHashMap<>();

    private TestbedOAuthServer(Testbed bed) {
        this.bed = bed;
        Ssl ssl = new Ssl(new SslKeystore(bed.get("OAUTH_KEYSTORE_PASSWORD"), new File(bed.get("OAUTH_KEYSTORE")),
                SslKeystore.KeyStoreType.PKCS12, bed.get("OAUTH_KEYSTORE_PASSWORD")));
        MockWebServerWrapper http = new MockWebServerWrapper(ssl);
        server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(),
                Set.of(new TestbedTokens(ISSUER_ID, bed.domain(),
                        client -> lifetimes.getOrDefault(client, DEFAULT_LIFETIME))), http));
        int port = bed.port("OAUTH_PORT");
        try {
            server.start(InetAddress.getByName(bed.get("HOST")), port);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The testbed's OAuth 2.0 server cannot listen on " + bed.get("HOST") + ":"
                    + port + " (is another one running, e.g. deploy/testbed/oauth-server by hand?)", e);
        }
        MockWebServer web = http.getMockWebServer();
        web.setDispatcher(new Recording(web.getDispatcher()));
    }

    /** The JVM's one server, started at first use on testbed.env's port; stopped at JVM exit. */
    public static synchronized TestbedOAuthServer shared(Testbed bed) {
        if (shared == null) {
            TestbedOAuthServer s = new TestbedOAuthServer(bed);
            Runtime.getRuntime().addShutdownHook(new Thread(s.server::shutdown, "testbed-oauth-stop"));
            shared = s;
        }
        return shared;
    }

    public MockOAuth2Server server() {
        return server;
    }

    /** A token callback for {@link MockOAuth2Server#enqueueCallback}: the next token lives this long. */
    public OAuth2TokenCallback tokens(Duration lifetime) {
        return new TestbedTokens(ISSUER_ID, bed.domain(), client -> lifetime);
    }

    /** From now on this client's tokens live this long (default {@link #DEFAULT_LIFETIME}). */
    public void lifetime(String clientId, Duration lifetime) {
        lifetimes.put(clientId, lifetime);
    }

    public URI tokenEndpoint() {
        return URI.create(bed.get("OAUTH_TOKEN_ENDPOINT"));
    }

    /** Every token request of this client is answered 401 invalid_client until {@link #reinstate}. */
    public void revoke(String clientId) {
        revoked.add(clientId);
    }

    public void reinstate(String clientId) {
        revoked.remove(clientId);
    }

    /** Every access, ID and refresh token issued so far. */
    public List<String> issued() {
        return List.copyOf(issued);
    }

    public List<Introspection> introspections() {
        return List.copyOf(introspections);
    }

    /** Token requests answered with a token for this client so far. */
    public int tokenRequests(String clientId) {
        return tokenRequests.getOrDefault(clientId, 0);
    }

    /** An access token for the client, by the client-credentials grant, as any HTTPS client asks. */
    public String fetch(String clientId) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&scope=" + enc("https://outlook.office365.com/.default")
                + "&client_id=" + enc(clientId) + "&client_secret=unchecked";
        HttpResponse<String> answer = HttpClient.newBuilder().sslContext(trustingTestbed())
                .connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(tokenEndpoint()).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("the token endpoint answered " + answer.statusCode());
        }
        return new ObjectMapper().readTree(answer.body()).get("access_token").asText();
    }

    private SSLContext trustingTestbed() throws IOException {
        try (InputStream in = Files.newInputStream(bed.caFile())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("testbed-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + bed.caFile(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** The client id of a token request: HTTP Basic (client_secret_basic) or the form's client_id. */
    private static String clientId(RecordedRequest request, Map<String, String> form) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return URLDecoder.decode(colon < 0 ? pair : pair.substring(0, colon), StandardCharsets.UTF_8);
        }
        return form.getOrDefault("client_id", "");
    }

    private static boolean expired(String token) {
        try {
            Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
            return exp != null && !exp.toInstant().isAfter(Instant.now());
        } catch (ParseException e) {
            return false; // not a JWT: the library answers inactive
        }
    }

    private static boolean activeIn(String introspection) {
        try {
            return !introspection.isEmpty() && new ObjectMapper().readTree(introspection).path("active").asBoolean();
        } catch (IOException e) {
            return false;
        }
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                .setBody(body);
    }

    private final class Recording extends Dispatcher {
        private final Dispatcher library;

        Recording(Dispatcher library) {
            this.library = library;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            String path = request.getPath() == null ? "" : request.getPath().replaceFirst("\\?.*", "");
            if (!"POST".equals(request.getMethod())) {
                return library.dispatch(request);
            }
            // The library reads the body too: read a copy.
            Map<String, String> form = form(request.getBody().clone().readUtf8());
            if (path.endsWith("/token")) {
                String client = clientId(request, form);
                if (revoked.contains(client)) {
                    return json(401, "{\"error\":\"invalid_client\",\"error_description\":\"the client is revoked\"}");
                }
                MockResponse answer = library.dispatch(request);
                recordTokens(answer);
                if (answer.getStatus().contains(" 200 ")) {
                    tokenRequests.merge(client, 1, Integer::sum);
                }
                return answer;
            }
            if (path.endsWith("/introspect")) {
                String token = form.getOrDefault("token", "");
                MockResponse answer = expired(token) ? null : library.dispatch(request);
                String body = answer == null || answer.getBody() == null ? "" : answer.getBody().clone().readUtf8();
                boolean active = activeIn(body);
                introspections.add(new Introspection(token, active, Instant.now()));
                return active ? answer : json(200, "{\"active\":false}");
            }
            return library.dispatch(request);
        }

        private void recordTokens(MockResponse answer) {
            if (answer.getBody() == null) {
                return;
            }
            try {
                JsonNode json = new ObjectMapper().readTree(answer.getBody().clone().readUtf8());
                for (String field : List.of("access_token", "id_token", "refresh_token")) {
                    if (json.hasNonNull(field)) {
                        issued.add(json.get(field).asText());
                    }
                }
            } catch (IOException e) {
                // An error answer without JSON issues no token.
            }
        }
    }

    /**
     * Runs the server by hand until killed: testbed.env from MAILPROBE_TESTBED_DIR (default
     * /var/lib/mailprobe-testbed). Prints where it listens and how clients map to mailboxes.
     */
    public static void main(String[] args) throws InterruptedException {
        Testbed bed = Testbed.load();
        TestbedOAuthServer s = shared(bed);
        System.out.println("testbed OAuth 2.0 server: issuer " + bed.get("OAUTH_ISSUER"));
        System.out.println("  token endpoint         " + s.tokenEndpoint());
        System.out.println("  introspection endpoint " + bed.get("OAUTH_INTROSPECTION_ENDPOINT") + " (Dovecot's)");
        System.out.println("  client id probeN (or probeN@" + bed.domain() + ") gets tokens for probeN@" + bed.domain()
                + ", any client secret, any refresh token; tokens live " + DEFAULT_LIFETIME.toMinutes() + " min");
        System.out.println("  trust " + bed.caFile() + "; stop with Ctrl-C");
        Thread.currentThread().join();
    }
}
