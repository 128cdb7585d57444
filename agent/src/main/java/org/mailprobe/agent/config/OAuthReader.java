package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.oauth.TokenGrant;
import org.mailprobe.probes.oauth.TokenGrant.ClientAuthentication;

/**
 * Reads an account's {@code oauth2:} mapping (docs/CONFIG.md) into an {@link OAuthConfig}. Secrets
 * come only from files or environment variables; problems name the file or the variable, never a
 * value.
 */
// Not checked by NullAway: a reader takes a value as null once it has recorded a problem with it, and
// builds a config record only when no problem was recorded since it began (the problems.count() >
// before check returns first); NullAway cannot follow that count. Its signatures are annotated, so
// every caller is checked. Restructuring the readers so that the checker can see it is a follow-up.
@SuppressWarnings("NullAway")
final class OAuthReader {
    static final List<String> KEYS = List.of("grant", "tenant", "token_endpoint", "insecure_plain_http", "client_id",
            "client_secret_file", "client_secret_env", "client_certificate_file", "client_key_file",
            "refresh_token_file", "refresh_token_env", "token_file", "scope", "ca_file", "mechanism", "refresh_ahead");
    /** The keys of the two grants that ask a token endpoint; none of them applies to token_file. */
    private static final List<String> ENDPOINT_KEYS = List.of("tenant", "token_endpoint", "insecure_plain_http",
            "client_id", "client_secret_file", "client_secret_env", "client_certificate_file", "client_key_file",
            "refresh_token_file", "refresh_token_env", "scope", "ca_file", "refresh_ahead");
    // A tenant is a domain name or a directory (tenant) id; either way it goes into a URL path.
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?");
    // RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private enum Grant {
        CLIENT_CREDENTIALS, REFRESH_TOKEN, TOKEN_FILE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ConfigLoader loader;
    private final Problems problems;
    private final SecretReader secrets;
    private final Consumer<String> warnings;
    private final UnaryOperator<String> name;

    /** Problems name each key as {@code name} spells it: itself in a file, a flag on the command line. */
    OAuthReader(ConfigLoader loader, SecretReader secrets, Consumer<String> warnings, UnaryOperator<String> name) {
        this.loader = loader;
        this.problems = loader.problems();
        this.secrets = secrets;
        this.warnings = warnings;
        this.name = name;
    }

    OAuthReader(ConfigLoader loader, SecretReader secrets, Consumer<String> warnings) {
        this(loader, secrets, warnings, UnaryOperator.identity());
    }

    private String k(String key) {
        return name.apply(key);
    }

    private String credentials() {
        return k("client_secret_file") + ", " + k("client_secret_env") + ", or " + k("client_certificate_file")
                + " with " + k("client_key_file");
    }

    /** The account's OAuth settings; null if anything is wrong (reported). */
    @Nullable OAuthConfig read(Mapping o) {
        int before = problems.count();
        Grant grant = grant(o);
        OAuthMechanism mechanism = mechanism(o);
        TokenGrant tokenGrant = null;
        TlsPolicy tls = null;
        Duration refreshAhead = null;
        if (grant == Grant.TOKEN_FILE) {
            for (String key : ENDPOINT_KEYS) {
                if (o.has(key)) {
                    problems.add(o.pathOf(key), "applies to grants client_credentials and refresh_token, not "
                            + "token_file (the file holds the bearer token itself)");
                }
            }
            tokenGrant = tokenFile(o);
        } else if (grant != null) {
            tokenGrant = endpointGrant(o, grant);
            tls = loader.tlsPolicy(o, loader.defaultTls());
            refreshAhead = o.duration("refresh_ahead");
        }
        if (problems.count() > before || tokenGrant == null) {
            return null;
        }
        return new OAuthConfig(tokenGrant, mechanism != null ? mechanism : Defaults.OAUTH_MECHANISM,
                refreshAhead != null ? refreshAhead : Defaults.OAUTH_REFRESH_AHEAD,
                tls != null ? tls : loader.defaultTls(), loader.defaultTimeouts(),
                // Checked (and warned about) with token_endpoint; a wrong value has failed the load.
                o.has("insecure_plain_http") && o.raw("insecure_plain_http").asBoolean());
    }

    private @Nullable Grant grant(Mapping o) {
        String text = o.requiredString("grant");
        if (text == null) {
            return null;
        }
        for (Grant g : Grant.values()) {
            if (g.label().equals(text.toLowerCase(Locale.ROOT))) {
                return g;
            }
        }
        problems.add(o.pathOf("grant"), "'" + text + "' is not a grant; use client_credentials, refresh_token or "
                + "token_file");
        return null;
    }

    private @Nullable OAuthMechanism mechanism(Mapping o) {
        String text = o.string("mechanism");
        if (text == null) {
            return null;
        }
        for (OAuthMechanism m : OAuthMechanism.values()) {
            if (m.name().equalsIgnoreCase(text)) {
                return m;
            }
        }
        problems.add(o.pathOf("mechanism"), "'" + text + "' is not a mechanism; use auto, xoauth2 or oauthbearer");
        return null;
    }

    private @Nullable TokenGrant tokenFile(Mapping o) {
        o.requirePresent("token_file");
        Path file = o.file("token_file");
        if (file == null) {
            return null;
        }
        if (Files.isDirectory(file)) {
            problems.add(o.pathOf("token_file"), file + " is a directory, not a file");
            return null;
        }
        if (!Files.exists(file)) {
            // A token helper may write it after the agent starts; it is read at each sign-in.
            warnings.accept(problems.format(o.pathOf("token_file"), "file " + file + " does not exist yet; "
                    + "sign-ins fail with reason token until it does"));
        } else {
            secrets.warnIfShared(o.pathOf("token_file"), file);
        }
        return new TokenGrant.TokenFile(file);
    }

    private @Nullable TokenGrant endpointGrant(Mapping o, Grant grant) {
        int before = problems.count();
        String tenant = o.string("tenant");
        if (tenant != null && !TENANT.matcher(tenant).matches()) {
            problems.add(o.pathOf("tenant"), "'" + tenant + "' is not a tenant: give its domain (contoso.onmicrosoft"
                    + ".com) or its directory id");
            tenant = null;
        }
        URI endpoint = null;
        if (o.has("tenant") && o.has("token_endpoint")) {
            problems.add(o.pathOf("token_endpoint"), k("tenant") + " and " + k("token_endpoint")
                    + " are both set; " + k("tenant") + " stands for Microsoft's token endpoint, so give one of them");
        } else if (tenant != null) {
            endpoint = Defaults.microsoftTokenEndpoint(tenant);
            if (o.has("insecure_plain_http")) {
                problems.add(o.pathOf("insecure_plain_http"), "applies to an http:// " + k("token_endpoint")
                        + " only; " + k("tenant") + "'s endpoint is https");
            }
        } else if (!o.has("tenant") && !o.has("token_endpoint")) {
            problems.add(o.path(), "needs " + k("token_endpoint") + " (or " + k("tenant")
                    + ", for the Microsoft identity platform)");
        } else if (o.has("token_endpoint")) {
            endpoint = endpoint(o);
        }
        String clientId = o.requiredString("client_id");
        ClientAuthentication auth = clientAuthentication(o, grant);
        Secret refreshToken = null;
        if (grant == Grant.REFRESH_TOKEN) {
            refreshToken = oneSecret(o, "refresh_token", true);
        } else {
            for (String key : List.of("refresh_token_file", "refresh_token_env")) {
                if (o.has(key)) {
                    problems.add(o.pathOf(key), "applies to grant refresh_token only, not " + grant.label());
                }
            }
        }
        if (o.has("token_file")) {
            problems.add(o.pathOf("token_file"), "applies to grant token_file only, not " + grant.label());
        }
        List<String> scopes = scopes(o, grant, o.has("tenant"));
        if (problems.count() > before || endpoint == null || clientId == null || scopes == null) {
            return null;
        }
        if (grant == Grant.CLIENT_CREDENTIALS) {
            return auth == null ? null : new TokenGrant.ClientCredentials(endpoint, clientId, auth, scopes);
        }
        Secret clientSecret = auth instanceof ClientAuthentication.ClientSecret
                ? ((ClientAuthentication.ClientSecret) auth).secret() : null;
        return refreshToken == null ? null
                : new TokenGrant.RefreshToken(endpoint, clientId, clientSecret, refreshToken, scopes);
    }

    private @Nullable URI endpoint(Mapping o) {
        String text = o.string("token_endpoint");
        if (text == null) {
            return null;
        }
        URI url = HttpUrl.parse(problems, o.pathOf("token_endpoint"), text, "give the client's secret in "
                + k("client_secret_file") + " or " + k("client_secret_env"),
                "an absolute https URL such as https://oauth2.googleapis.com/token");
        if (url == null) {
            return null;
        }
        String scheme = HttpUrl.scheme(url);
        Boolean plain = o.bool("insecure_plain_http");
        if (scheme.equals("http") && !Boolean.TRUE.equals(plain)) {
            problems.add(o.pathOf("token_endpoint"), "'" + text + "' is plain http, so the client's secret and the "
                    + "tokens would cross the network in clear; use https, or set " + k("insecure_plain_http")
                    + (k("insecure_plain_http").startsWith("-") ? "" : ": true") + " for a lab");
            return null;
        }
        if (scheme.equals("http")) {
            warnings.accept(problems.format(o.pathOf("insecure_plain_http"), "the token endpoint " + text
                    + " is plain http: the client's secret and the tokens cross the network in clear"));
        } else if (plain != null) {
            problems.add(o.pathOf("insecure_plain_http"), "applies to an http:// " + k("token_endpoint")
                    + " only; this one is https");
            return null;
        }
        return url;
    }

    /**
     * How the client proves itself: exactly one of a secret (file or variable) and a certificate for
     * client_credentials; at most one secret, no certificate, for refresh_token (a public client has
     * none). Null if none or wrong (reported).
     */
    private @Nullable ClientAuthentication clientAuthentication(Mapping o, Grant grant) {
        boolean certificate = o.has("client_certificate_file") || o.has("client_key_file");
        List<String> given = new ArrayList<>();
        for (String key : List.of("client_secret_file", "client_secret_env")) {
            if (o.has(key)) {
                given.add(key);
            }
        }
        if (certificate && grant == Grant.REFRESH_TOKEN) {
            String key = o.has("client_certificate_file") ? "client_certificate_file" : "client_key_file";
            problems.add(o.pathOf(key), "applies to grant client_credentials only (private_key_jwt); the "
                    + "refresh_token grant uses " + k("client_secret_file") + " or " + k("client_secret_env")
                    + ", or none for a public client");
            return null;
        }
        if (certificate) {
            given.add("client_certificate_file");
        }
        if (given.size() > 1) {
            problems.add(o.path(), k(given.get(0)) + " and " + k(given.get(1)) + " are both set; give one client "
                    + "credential: " + credentials());
            return null;
        }
        if (given.isEmpty()) {
            if (grant == Grant.CLIENT_CREDENTIALS) {
                problems.add(o.path(), "needs a client credential: " + credentials());
            }
            return null;
        }
        if (certificate) {
            return certificate(o);
        }
        Secret secret = oneSecret(o, "client_secret", false);
        return secret == null ? null : new ClientAuthentication.ClientSecret(secret);
    }

    private @Nullable ClientAuthentication certificate(Mapping o) {
        if (!o.requirePresent("client_certificate_file") | !o.requirePresent("client_key_file")) {
            return null;
        }
        Path certificate = o.file("client_certificate_file");
        Path key = o.file("client_key_file");
        if (certificate == null || key == null) {
            return null;
        }
        boolean good = checkCertificate(o.pathOf("client_certificate_file"), certificate);
        good &= checkKey(o.pathOf("client_key_file"), key);
        return good ? new ClientAuthentication.Certificate(certificate, key) : null;
    }

    private boolean checkCertificate(String where, Path file) {
        if (!Files.isRegularFile(file)) {
            problems.add(where, "file " + file + " does not exist");
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            CertificateFactory.getInstance("X.509").generateCertificate(in);
            return true;
        } catch (IOException | GeneralSecurityException e) {
            problems.add(where, "cannot read " + file + " as a PEM certificate");
            return false;
        }
    }

    private boolean checkKey(String where, Path file) {
        Secret pem = secrets.secretFile(where, file, "key file");
        if (pem == null) {
            return false;
        }
        String text = pem.reveal();
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            problems.add(where, file + " holds a PKCS#1/SEC1 key; convert it to PKCS#8 with: openssl pkcs8 -topk8 "
                    + "-nocrypt -in " + file.getFileName() + " -out key.pk8.pem");
            return false;
        }
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            problems.add(where, file + " holds no unencrypted PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
            return false;
        }
        return true;
    }

    /**
     * The secret at {@code <prefix>_file} or {@code <prefix>_env}, exactly one of them (when
     * {@code required}, else at most one); null (reported when wrong) otherwise.
     */
    private @Nullable Secret oneSecret(Mapping o, String prefix, boolean required) {
        String fileKey = prefix + "_file";
        String envKey = prefix + "_env";
        if (o.has(fileKey) && o.has(envKey)) {
            problems.add(o.path(), k(fileKey) + " and " + k(envKey) + " are both set; give exactly one");
            return null;
        }
        if (o.has(fileKey)) {
            Path file = o.file(fileKey);
            return file == null ? null : secrets.secretFile(o.pathOf(fileKey), file, prefix.replace('_', ' ') + " file");
        }
        if (o.has(envKey)) {
            String variable = o.string(envKey);
            if (variable == null) {
                return null;
            }
            if (!ConfigLoader.ENV_NAME.matcher(variable).matches()) {
                // Not echoed: a value that is no variable name may be the secret itself.
                problems.add(o.pathOf(envKey), "is not an environment variable name (letters, digits and '_', not "
                        + "starting with a digit); give the variable's name, not its value");
                return null;
            }
            return secrets.passwordEnv(o.pathOf(envKey), variable);
        }
        if (required) {
            problems.add(o.path(), "needs a " + prefix.replace('_', ' ') + ": set " + k(fileKey) + " or " + k(envKey));
        }
        return null;
    }

    /** The scopes: a string (space-separated, as RFC 6749 3.3 writes them) or a list of them. */
    private @Nullable List<String> scopes(Mapping o, Grant grant, boolean tenant) {
        JsonNode node = o.raw("scope");
        if (node == null) {
            if (tenant) {
                return List.of(Defaults.MICROSOFT_SCOPE);
            }
            if (grant == Grant.CLIENT_CREDENTIALS) {
                problems.add(o.pathOf("scope"), "is required for grant client_credentials (unless " + k("tenant")
                        + " gives Microsoft's default, " + Defaults.MICROSOFT_SCOPE + ")");
                return null;
            }
            // RFC 6749 6: a refresh without scope keeps the scope the user consented to.
            return List.of();
        }
        List<String> scopes = new ArrayList<>();
        List<JsonNode> items = node.isArray() ? o.list("scope") : List.of(node);
        if (items.isEmpty()) {
            problems.add(o.pathOf("scope"), "is an empty list; give at least one scope");
            return null;
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String where = node.isArray() ? o.pathOf("scope") + "[" + i + "]" : o.pathOf("scope");
            if (!item.isTextual() || item.asText().isBlank()) {
                problems.add(where, "must be a scope such as " + Defaults.MICROSOFT_SCOPE + ", not "
                        + (item.isTextual() ? "an empty string" : Mapping.describe(item)));
                return null;
            }
            for (String token : item.asText().trim().split(" +")) {
                if (!SCOPE_TOKEN.matcher(token).matches()) {
                    problems.add(where, "'" + token + "' is not a scope: a scope has no quotes, backslashes, "
                            + "control characters or non-ASCII letters (RFC 6749 3.3)");
                    return null;
                }
                scopes.add(token);
            }
        }
        return scopes;
    }
}
