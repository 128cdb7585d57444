package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each mistake in an account's {@code oauth2:} block (issue 16) is refused at load with one
 * problem naming the file, the key path and what is wrong, and never a secret's value.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InvalidOAuthConfigTest {
    private static final String TENANT = "grant: client_credentials\ntenant: contoso.onmicrosoft.com\n"
            + "client_id: 11111111-2222-3333-4444-555555555555\n";
    private static final String GOOGLE = "grant: refresh_token\ntoken_endpoint: https://oauth2.googleapis.com/token\n"
            + "client_id: probe.apps.googleusercontent.com\nclient_secret_env: M365_CLIENT_SECRET\n"
            + "scope: https://mail.google.com/\n";
    private static final String GOOGLE_WITH_TOKEN = GOOGLE + "refresh_token_file: refresh.token\n";

    @TempDir
    Path dir;
    private OAuthConfigs configs;

    @BeforeEach
    void setUp() {
        configs = new OAuthConfigs(dir);
    }

    private void assertRefused(String oauth, String expected) {
        assertRefused(configs.file(oauth), expected);
    }

    private void assertRefused(Path file, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> configs.load(file));
        assertEquals(List.of(file + ": " + expected.replace("{dir}", dir.toString())), e.problems());
        for (String secret : List.of(OAuthConfigs.CLIENT_SECRET, OAuthConfigs.REFRESH_TOKEN)) {
            assertFalse(e.getMessage().contains(secret), "a secret in: " + e.getMessage());
        }
    }

    @Test
    void unknownKeyIsNamedWithTheNearestKnownOne() {
        assertRefused(TENANT + "client_secret_file: client.secret\nmechansim: xoauth2\n",
                "accounts.m365.oauth2.mechansim: unknown key; did you mean 'mechanism'?");
    }

    @Test
    void clientSecretInClearIsRefusedWithoutEchoingIt() {
        assertRefused(TENANT + "client_secret_file: client.secret\nclient_secret: " + OAuthConfigs.CLIENT_SECRET + "\n",
                "accounts.m365.oauth2.client_secret: unknown key; expected one of: grant, tenant, token_endpoint, "
                        + "insecure_plain_http, client_id, client_secret_file, client_secret_env, "
                        + "client_certificate_file, client_key_file, refresh_token_file, refresh_token_env, token_file, "
                        + "scope, ca_file, mechanism, refresh_ahead");
    }

    @Test
    void missingGrantIsRefused() {
        assertRefused("tenant: contoso.onmicrosoft.com\nclient_id: x\nclient_secret_file: client.secret\n",
                "accounts.m365.oauth2.grant: is required");
    }

    @Test
    void unknownGrantIsRefused() {
        assertRefused("grant: password\ntoken_file: token\n", "accounts.m365.oauth2.grant: 'password' is not a "
                + "grant; use client_credentials, refresh_token or token_file");
    }

    @Test
    void tenantAndTokenEndpointTogetherAreRefused() {
        assertRefused(TENANT + "token_endpoint: https://login.example.com/token\nclient_secret_file: client.secret\n",
                "accounts.m365.oauth2.token_endpoint: tenant and token_endpoint are both set; tenant stands for "
                        + "Microsoft's token endpoint, so give one of them");
    }

    @Test
    void neitherTenantNorTokenEndpointIsRefused() {
        assertRefused("grant: client_credentials\nclient_id: x\nclient_secret_file: client.secret\nscope: s\n",
                "accounts.m365.oauth2: needs token_endpoint (or tenant, for the Microsoft identity platform)");
    }

    @Test
    void badTenantIsRefused() {
        assertRefused("grant: client_credentials\ntenant: contoso/evil\nclient_id: x\n"
                + "client_secret_file: client.secret\n", "accounts.m365.oauth2.tenant: 'contoso/evil' is not a "
                + "tenant: give its domain (contoso.onmicrosoft.com) or its directory id");
    }

    @Test
    void plainHttpEndpointWithoutTheLabSwitchIsRefused() {
        assertRefused(GOOGLE_WITH_TOKEN.replace("https://oauth2", "http://oauth2"), "accounts.m365.oauth2.token_endpoint: "
                + "'http://oauth2.googleapis.com/token' is plain http, so the client's secret and the tokens would "
                + "cross the network in clear; use https, or set insecure_plain_http: true for a lab");
    }

    @Test
    void labSwitchOnAnHttpsEndpointIsRefused() {
        assertRefused(GOOGLE_WITH_TOKEN + "insecure_plain_http: true\n", "accounts.m365.oauth2.insecure_plain_http: applies to "
                + "an http:// token_endpoint only; this one is https");
    }

    @Test
    void endpointHoldingCredentialsIsRefusedWithoutEchoingThem() {
        assertRefused(GOOGLE_WITH_TOKEN.replace("https://oauth2", "https://probe:" + OAuthConfigs.CLIENT_SECRET + "@oauth2"),
                "accounts.m365.oauth2.token_endpoint: must not hold a user name or password; give the client's "
                        + "secret in client_secret_file or client_secret_env");
    }

    @Test
    void missingClientIdIsRefused() {
        assertRefused("grant: client_credentials\ntenant: contoso.onmicrosoft.com\nclient_secret_file: client.secret\n",
                "accounts.m365.oauth2.client_id: is required");
    }

    @Test
    void clientCredentialsWithoutAClientCredentialIsRefused() {
        assertRefused(TENANT, "accounts.m365.oauth2: needs a client credential: client_secret_file, "
                + "client_secret_env, or client_certificate_file with client_key_file");
    }

    @Test
    void twoClientCredentialsAreRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nclient_secret_env: M365_CLIENT_SECRET\n",
                "accounts.m365.oauth2: client_secret_file and client_secret_env are both set; give one client "
                        + "credential: client_secret_file, client_secret_env, or client_certificate_file with "
                        + "client_key_file");
    }

    @Test
    void secretAndCertificateTogetherAreRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nclient_certificate_file: cert.pem\n"
                + "client_key_file: client.key\n", "accounts.m365.oauth2: client_secret_file and "
                + "client_certificate_file are both set; give one client credential: client_secret_file, "
                + "client_secret_env, or client_certificate_file with client_key_file");
    }

    @Test
    void certificateWithTheRefreshGrantIsRefused() {
        assertRefused(GOOGLE.replace("client_secret_env: M365_CLIENT_SECRET\n", "client_certificate_file: cert.pem\n"
                + "client_key_file: client.key\n") + "refresh_token_file: refresh.token\n",
                "accounts.m365.oauth2.client_certificate_file: applies to grant client_credentials only "
                        + "(private_key_jwt); the refresh_token grant uses client_secret_file or client_secret_env, "
                        + "or none for a public client");
    }

    @Test
    void certificateWithoutItsKeyIsRefused() {
        assertRefused(TENANT + "client_certificate_file: client.key\n", "accounts.m365.oauth2.client_key_file: "
                + "is required");
    }

    @Test
    void pkcs1KeyIsRefusedWithTheCommandThatConvertsIt() {
        configs.fixture.writePrivate("rsa.key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path cert = org.mailprobe.probes.testing.TestCa.get().caPem();
        assertRefused(TENANT + "client_certificate_file: " + cert + "\nclient_key_file: rsa.key\n",
                "accounts.m365.oauth2.client_key_file: {dir}/rsa.key holds a PKCS#1/SEC1 key; convert it to PKCS#8 "
                        + "with: openssl pkcs8 -topk8 -nocrypt -in rsa.key -out key.pk8.pem");
    }

    @Test
    void certificateFileThatIsNoCertificateIsRefused() {
        assertRefused(TENANT + "client_certificate_file: client.secret\nclient_key_file: client.key\n",
                "accounts.m365.oauth2.client_certificate_file: cannot read {dir}/client.secret as a PEM certificate");
    }

    @Test
    void refreshGrantWithoutARefreshTokenIsRefused() {
        assertRefused(GOOGLE, "accounts.m365.oauth2: needs a refresh token: set refresh_token_file or "
                + "refresh_token_env");
    }

    @Test
    void refreshTokenFromFileAndEnvironmentIsRefused() {
        assertRefused(GOOGLE + "refresh_token_file: refresh.token\nrefresh_token_env: GOOGLE_REFRESH_TOKEN\n",
                "accounts.m365.oauth2: refresh_token_file and refresh_token_env are both set; give exactly one");
    }

    @Test
    void refreshTokenWithClientCredentialsIsRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nrefresh_token_file: refresh.token\n",
                "accounts.m365.oauth2.refresh_token_file: applies to grant refresh_token only, not "
                        + "client_credentials");
    }

    @Test
    void tokenFileGrantWithoutItsFileIsRefused() {
        assertRefused("grant: token_file\n", "accounts.m365.oauth2.token_file: is required");
    }

    @Test
    void endpointKeyWithTheTokenFileGrantIsRefused() {
        assertRefused("grant: token_file\ntoken_file: token\nclient_id: x\n", "accounts.m365.oauth2.client_id: "
                + "applies to grants client_credentials and refresh_token, not token_file (the file holds the bearer "
                + "token itself)");
    }

    @Test
    void emptySecretFileIsRefused() {
        assertRefused(TENANT + "client_secret_file: empty.secret\n", "accounts.m365.oauth2.client_secret_file: the "
                + "client secret file {dir}/empty.secret is empty");
    }

    @Test
    void missingSecretFileIsRefused() {
        assertRefused(TENANT + "client_secret_file: nobody.secret\n", "accounts.m365.oauth2.client_secret_file: "
                + "file {dir}/nobody.secret does not exist");
    }

    @Test
    void unsetVariableIsRefused() {
        assertRefused(TENANT + "client_secret_env: M365_NOBODY\n", "accounts.m365.oauth2.client_secret_env: "
                + "environment variable M365_NOBODY is not set");
    }

    @Test
    void emptyVariableIsRefused() {
        assertRefused(GOOGLE + "refresh_token_env: EMPTY_SECRET\n", "accounts.m365.oauth2.refresh_token_env: "
                + "environment variable EMPTY_SECRET is empty");
    }

    @Test
    void secretGivenInsteadOfAVariableNameIsRefusedWithoutEchoingIt() {
        assertRefused(TENANT + "client_secret_env: \"" + OAuthConfigs.CLIENT_SECRET + "~\"\n",
                "accounts.m365.oauth2.client_secret_env: is not an environment variable name (letters, digits and "
                        + "'_', not starting with a digit); give the variable's name, not its value");
    }

    @Test
    void scopeWithAQuoteIsRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nscope: 'mail\"send'\n",
                "accounts.m365.oauth2.scope: 'mail\"send' is not a scope: a scope has no quotes, backslashes, "
                        + "control characters or non-ASCII letters (RFC 6749 3.3)");
    }

    @Test
    void scopeThatIsNoStringIsRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nscope: [openid, 42]\n",
                "accounts.m365.oauth2.scope[1]: must be a scope such as https://outlook.office365.com/.default, "
                        + "not a number");
    }

    @Test
    void emptyScopeListIsRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nscope: []\n",
                "accounts.m365.oauth2.scope: is an empty list; give at least one scope");
    }

    @Test
    void clientCredentialsWithoutScopeOrTenantIsRefused() {
        assertRefused("grant: client_credentials\ntoken_endpoint: https://login.example.com/token\nclient_id: x\n"
                + "client_secret_file: client.secret\n", "accounts.m365.oauth2.scope: is required for grant "
                + "client_credentials (unless tenant gives Microsoft's default, https://outlook.office365.com/.default)");
    }

    @Test
    void unknownMechanismIsRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nmechanism: plain\n",
                "accounts.m365.oauth2.mechanism: 'plain' is not a mechanism; use auto, xoauth2 or oauthbearer");
    }

    @Test
    void refreshAheadWithoutUnitIsRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nrefresh_ahead: 300\n",
                "accounts.m365.oauth2.refresh_ahead: '300' has no unit; write e.g. 300s (units: ms, s, m, h, d)");
    }

    @Test
    void missingCaFileIsRefused() {
        assertRefused(TENANT + "client_secret_file: client.secret\nca_file: nobody-ca.pem\n",
                "accounts.m365.oauth2.ca_file: file {dir}/nobody-ca.pem does not exist");
    }

    @Test
    void oauthAndAPasswordTogetherAreRefused() {
        assertRefused(configs.file(TENANT + "client_secret_file: client.secret\n", "    password_file: alice.pw\n",
                ""), "accounts.m365.password_file: an account signs in with a password or with oauth2, not both; "
                + "remove password_file or oauth2");
    }

    @Test
    void oauthAccountWatchedByWebmailIsRefusedNamingTheRoute() {
        assertRefused(configs.file(TENANT + "client_secret_file: client.secret\n", "",
                "      - path: webmail\n        server: web\n"), "routes[0].watch[1].path: route 'loop-m365' watches "
                + "account 'm365' by webmail, but that account signs in with oauth2 and a webmail login form needs a "
                + "password; watch it by imap or pop3");
    }

    @Test
    void oauthbearerAccountWatchedByPop3IsRefusedNamingTheRoute() {
        assertRefused(configs.file(TENANT + "client_secret_file: client.secret\nmechanism: oauthbearer\n", "",
                "      - path: pop3\n        server: m365-pop3\n"), "routes[0].watch[1].path: route 'loop-m365' "
                + "watches account 'm365' by pop3, but that account's oauth2 mechanism is oauthbearer, which "
                + "mailprobe's POP3 client cannot speak; set its mechanism to auto or xoauth2");
    }

    @Test
    void oauthAccountOnAPlainServerIsRefusedForItsAccessToken() {
        assertRefused(configs.file(TENANT + "client_secret_file: client.secret\n", "",
                "      - path: imap\n        server: lab-imap\n"), "servers.lab-imap.tls: would send the access "
                + "token of account m365 in clear: tls is plain; use starttls or implicit, or set "
                + "insecure_plain_auth: true for a lab");
    }
}
