package org.mailprobe.agent.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.probes.ServerTls;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The HTTP endpoint's protection, read from a web config file in the format of Prometheus's
 * exporter-toolkit (https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md):
 * {@code tls_server_config} (cert_file, key_file, client_auth_type, client_ca_file, min_version)
 * and {@code basic_auth_users} (user: bcrypt hash). Keys of that format mailprobe does not
 * implement are rejected by name rather than ignored. Relative file names resolve against the
 * web config file's directory.
 */
public final class WebConfig {
    /** No TLS, no authentication: what the agent does without {@code --web.config.file}. */
    public static final WebConfig NONE = new WebConfig(null, Map.of());

    private static final Set<String> TOP_KEYS = Set.of("tls_server_config", "basic_auth_users");
    private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "min_version");
    // exporter-toolkit's bcrypt check for an unknown user, so that it takes as long as for a known one.
    private static final String DUMMY_HASH = BCrypt.hashpw("mailprobe", BCrypt.gensalt(10));

    private final @Nullable SSLContext tls;
    private final boolean requireClientCert;
    private final boolean wantClientCert;
    private final List<String> protocols;
    private final Map<String, String> users;
    private final boolean lifecycle;

    private WebConfig(@Nullable SSLContext tls, Map<String, String> users) {
        this(tls, false, false, List.of(), users, false);
    }

    private WebConfig(@Nullable SSLContext tls, boolean requireClientCert, boolean wantClientCert, List<String> protocols,
            Map<String, String> users, boolean lifecycle) {
        this.tls = tls;
        this.requireClientCert = requireClientCert;
        this.wantClientCert = wantClientCert;
        this.protocols = protocols;
        this.users = Map.copyOf(users);
        this.lifecycle = lifecycle;
    }

    /**
     * The same protection, with the endpoints that change the agent's state ({@code POST /-/reload})
     * served or not: off unless the agent was started with {@code --web.enable-lifecycle}, as in
     * Prometheus, since a scrape port is often reachable by more people than should reload it.
     */
    public WebConfig withLifecycle(boolean enabled) {
        return new WebConfig(tls, requireClientCert, wantClientCert, protocols, users, enabled);
    }

    /** Whether {@code POST /-/reload} is served ({@code --web.enable-lifecycle}). */
    public boolean lifecycle() {
        return lifecycle;
    }

    /** Reads and checks a web config file; every problem is reported with the file and key. */
    public static WebConfig load(Path file) throws ConfigException {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read the web config: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return NONE;
        }
        if (!root.isObject()) {
            throw new ConfigException(List.of(file + ": the web config must be a mapping"));
        }
        unknownKeys(file, "", root, TOP_KEYS, problems);
        Map<String, String> users = new LinkedHashMap<>();
        JsonNode auth = root.path("basic_auth_users");
        if (!auth.isMissingNode() && !auth.isNull()) {
            if (!auth.isObject()) {
                problems.add(file + ": basic_auth_users: must map user names to bcrypt hashes");
            } else {
                for (Map.Entry<String, JsonNode> e : auth.properties()) {
                    String hash = e.getValue().asText("");
                    if (!hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                        problems.add(file + ": basic_auth_users." + e.getKey()
                                + ": not a bcrypt hash ($2y$, $2a$ or $2b$; make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')");
                    } else {
                        users.put(e.getKey(), hash);
                    }
                }
            }
        }
        JsonNode tlsNode = root.path("tls_server_config");
        if (tlsNode.isMissingNode() || tlsNode.isNull()) {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new WebConfig(null, users);
        }
        unknownKeys(file, "tls_server_config.", tlsNode, TLS_KEYS, problems);
        Path dir = Objects.requireNonNull(file.toAbsolutePath().getParent(), "a file has a directory");
        String certFile = tlsNode.path("cert_file").asText("");
        String keyFile = tlsNode.path("key_file").asText("");
        if (certFile.isEmpty() || keyFile.isEmpty()) {
            problems.add(file + ": tls_server_config: cert_file and key_file are both required");
        }
        String clientAuth = tlsNode.path("client_auth_type").asText("NoClientCert");
        boolean require = clientAuth.equals("RequireAndVerifyClientCert");
        boolean want = clientAuth.equals("VerifyClientCertIfGiven");
        if (!require && !want && !clientAuth.equals("NoClientCert")) {
            problems.add(file + ": tls_server_config.client_auth_type: '" + clientAuth
                    + "' is not one of NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert");
        }
        String clientCa = tlsNode.path("client_ca_file").asText("");
        if ((require || want) && clientCa.isEmpty()) {
            problems.add(file + ": tls_server_config.client_ca_file: required with client_auth_type " + clientAuth);
        }
        String minVersion = tlsNode.path("min_version").asText("TLS12");
        List<String> protocols = switch (minVersion) {
            case "TLS12" -> List.of("TLSv1.3", "TLSv1.2");
            case "TLS13" -> List.of("TLSv1.3");
            default -> {
                problems.add(file + ": tls_server_config.min_version: '" + minVersion + "' is not TLS12 or TLS13");
                yield List.of();
            }
        };
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        try {
            SSLContext context = ServerTls.fromPem(dir.resolve(certFile), dir.resolve(keyFile),
                    clientCa.isEmpty() ? null : dir.resolve(clientCa));
            return new WebConfig(context, require, want, protocols, users, false);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(file + ": tls_server_config: " + e.getMessage()));
        }
    }

    /** Whether the endpoint speaks HTTPS. */
    public boolean tls() {
        return tls != null;
    }

    /** Whether requests need a user and password. */
    public boolean basicAuth() {
        return !users.isEmpty();
    }

    HttpServer createServer(InetSocketAddress address) throws IOException {
        if (tls == null) {
            return HttpServer.create(address, 16);
        }
        HttpsServer server = HttpsServer.create(address, 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setProtocols(protocols.toArray(String[]::new));
                p.setNeedClientAuth(requireClientCert);
                if (!requireClientCert) {
                    p.setWantClientAuth(wantClientCert);
                }
                params.setSSLParameters(p);
            }
        });
        return server;
    }

    /** Puts basic authentication in front of a context, when users are configured. */
    void protect(HttpContext context) {
        if (users.isEmpty()) {
            return;
        }
        Map<String, byte[]> verified = new ConcurrentHashMap<>();
        context.setAuthenticator(new BasicAuthenticator("mailprobe") {
            @Override
            public boolean checkCredentials(String user, String password) {
                String hash = users.get(user);
                // A bcrypt check costs tens of milliseconds; Prometheus scrapes with the same
                // credentials every time, so the digest of a password that passed is remembered.
                byte[] digest = sha256(user + "\u0000" + password + "\u0000" + hash);
                byte[] known = verified.get(user);
                if (known != null && MessageDigest.isEqual(known, digest)) {
                    return true;
                }
                boolean ok = BCrypt.checkpw(password, hash == null ? DUMMY_HASH : hash) && hash != null;
                if (ok) {
                    verified.put(user, digest);
                }
                return ok;
            }
        });
    }

    private static void unknownKeys(Path file, String prefix, JsonNode node, Set<String> known, List<String> problems) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            if (!known.contains(key)) {
                problems.add(file + ": " + prefix + key + ": unknown or unsupported key; mailprobe supports "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
