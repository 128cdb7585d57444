package org.mailprobe.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AccountTokens;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.config.OAuthConfig;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The {@code probe} command's {@code --oauth2-*} flags (issue 16): a config's {@code oauth2:} keys
 * on the command line, for {@code --user} and, unless it has a password of its own, the watched
 * mailbox. Secrets come only from files or environment variables.
 */
final class OAuthOptions {
    private static final Logger logger = LoggerFactory.getLogger(OAuthOptions.class);

    @Option(names = "--oauth2-grant", paramLabel = "GRANT", description = "Sign in with OAuth 2.0 instead of a "
            + "password: client_credentials, refresh_token or token_file. For --user, and for the watched mailbox "
            + "unless --watch-password-* is given.")
    @Nullable String oauth2Grant;

    @Option(names = "--oauth2-tenant", paramLabel = "TENANT",
            description = "Microsoft 365 tenant: its token endpoint and the default scope.")
    @Nullable String oauth2Tenant;

    @Option(names = "--oauth2-token-endpoint", paramLabel = "URL", description = "Token endpoint (https).")
    @Nullable String oauth2TokenEndpoint;

    @Option(names = "--oauth2-insecure-plain-http",
            description = "Allow an http:// --oauth2-token-endpoint: secrets and tokens cross the network in clear. "
                    + "Lab only.")
    boolean oauth2PlainHttp;

    @Option(names = "--oauth2-client-id", paramLabel = "ID", description = "The client (application) id.")
    @Nullable String oauth2ClientId;

    @Option(names = "--oauth2-client-secret-file", paramLabel = "FILE", description = "File holding the client secret.")
    @Nullable Path oauth2ClientSecretFile;

    @Option(names = "--oauth2-client-secret-env", paramLabel = "VAR",
            description = "Environment variable holding the client secret.")
    @Nullable String oauth2ClientSecretEnv;

    @Option(names = "--oauth2-client-certificate-file", paramLabel = "PEM",
            description = "client_credentials: certificate for private_key_jwt (with --oauth2-client-key-file).")
    @Nullable Path oauth2ClientCertificateFile;

    @Option(names = "--oauth2-client-key-file", paramLabel = "PEM", description = "Its private key (PKCS#8 PEM).")
    @Nullable Path oauth2ClientKeyFile;

    @Option(names = "--oauth2-refresh-token-file", paramLabel = "FILE",
            description = "refresh_token: file holding the refresh token.")
    @Nullable Path oauth2RefreshTokenFile;

    @Option(names = "--oauth2-refresh-token-env", paramLabel = "VAR",
            description = "refresh_token: environment variable holding the refresh token.")
    @Nullable String oauth2RefreshTokenEnv;

    @Option(names = "--oauth2-token-file", paramLabel = "FILE",
            description = "token_file: file holding the bearer token, kept fresh by something else.")
    @Nullable Path oauth2TokenFile;

    @Option(names = "--oauth2-scope", paramLabel = "SCOPE", description = "A scope to ask for (repeatable).")
    @Nullable List<String> oauth2Scopes;

    @Option(names = "--oauth2-ca-file", paramLabel = "PEM", description = "Trust this CA too for the token endpoint.")
    @Nullable Path oauth2CaFile;

    @Option(names = "--oauth2-mechanism", paramLabel = "MECH",
            description = "auto (OAUTHBEARER if offered, else XOAUTH2), xoauth2 or oauthbearer (default: auto).")
    @Nullable String oauth2Mechanism;

    /**
     * The flags as a config's {@code oauth2:} block, checked by the same rules; null if none is
     * given. One set of tokens serves both accounts of the probe.
     */
    @Nullable OAuthLogin login(TlsPolicy tls, Timeouts timeouts, InstantSource clock) throws ConfigException {
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        putText(block, "grant", oauth2Grant);
        putText(block, "tenant", oauth2Tenant);
        putText(block, "token_endpoint", oauth2TokenEndpoint);
        if (oauth2PlainHttp) {
            block.put("insecure_plain_http", true);
        }
        putText(block, "client_id", oauth2ClientId);
        putPath(block, "client_secret_file", oauth2ClientSecretFile);
        putText(block, "client_secret_env", oauth2ClientSecretEnv);
        putPath(block, "client_certificate_file", oauth2ClientCertificateFile);
        putPath(block, "client_key_file", oauth2ClientKeyFile);
        putPath(block, "refresh_token_file", oauth2RefreshTokenFile);
        putText(block, "refresh_token_env", oauth2RefreshTokenEnv);
        putPath(block, "token_file", oauth2TokenFile);
        if (oauth2Scopes != null) {
            ArrayNode scopes = block.putArray("scope");
            oauth2Scopes.forEach(scopes::add);
        }
        putPath(block, "ca_file", oauth2CaFile);
        putText(block, "mechanism", oauth2Mechanism);
        if (block.isEmpty()) {
            return null;
        }
        OAuthConfig config = ConfigLoader.oauthFromFlags(block, tls, timeouts, OAuthOptions::flag,
                warning -> logger.warn("{}", warning), clock);
        // Null only with a problem, and then oauthFromFlags has thrown saying what is wrong.
        Objects.requireNonNull(config, "config");
        return new OAuthLogin(new AccountTokens("adhoc", config, clock), config.mechanism());
    }

    /** The command-line flag of an {@code oauth2:} key. */
    static String flag(String key) {
        return "--oauth2-" + key.replace('_', '-');
    }

    private static void putText(ObjectNode block, String key, @Nullable String value) {
        if (value != null) {
            block.put(key, value);
        }
    }

    private static void putPath(ObjectNode block, String key, @Nullable Path value) {
        if (value != null) {
            block.put(key, value.toString());
        }
    }
}
