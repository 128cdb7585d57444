package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.oauth.TokenGrant;
import org.mailprobe.probes.oauth.TokenGrant.ClientAuthentication;

/** An account's {@code oauth2:} block maps to the probes' TokenGrant records (issue 16). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OAuthConfigTest {
    @TempDir
    Path dir;
    private OAuthConfigs configs;

    @BeforeEach
    void setUp() {
        configs = new OAuthConfigs(dir);
    }

    private AccountConfig m365(String oauth) throws ConfigException {
        return configs.load(oauth).accounts().get("m365");
    }

    private static OAuthConfig oauth(AccountConfig account) {
        return account.tokens().orElseThrow().config();
    }

    @Test
    void tenantStandsForMicrosoftsEndpointAndScope() throws Exception {
        AccountConfig account = m365("grant: client_credentials\ntenant: contoso.onmicrosoft.com\nclient_id: app-1\n"
                + "client_secret_file: client.secret\n");

        TokenGrant.ClientCredentials grant = assertInstanceOf(TokenGrant.ClientCredentials.class,
                oauth(account).grant());
        assertEquals(URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"),
                grant.tokenEndpoint());
        assertEquals("app-1", grant.clientId());
        assertEquals(OAuthConfigs.CLIENT_SECRET, assertInstanceOf(ClientAuthentication.ClientSecret.class,
                grant.authentication()).secret().reveal());
        assertEquals(List.of("https://outlook.office365.com/.default"), grant.scopes());
    }

    @Test
    void defaultsAreAutoMechanismAndFiveMinutesAhead() throws Exception {
        OAuthConfig oauth = oauth(m365("grant: token_file\ntoken_file: token\n"));

        assertEquals(OAuthMechanism.AUTO, oauth.mechanism());
        assertEquals(Duration.ofMinutes(5), oauth.refreshAhead());
        assertFalse(oauth.insecurePlainHttp());
    }

    @Test
    void accountSignsInWithOAuthAsItsAddressByDefault() throws Exception {
        AccountConfig account = m365("grant: token_file\ntoken_file: token\nmechanism: oauthbearer\n");

        Account login = account.login();
        assertTrue(login.usesOAuth());
        assertEquals("probe@contoso.com", login.user());
        assertEquals(OAuthMechanism.OAUTHBEARER, login.oauth().mechanism());
        assertSame(account.tokens().orElseThrow(), login.oauth().tokens());
    }

    @Test
    void certificateIsPrivateKeyJwt() throws Exception {
        Path cert = org.mailprobe.probes.testing.TestCa.get().caPem();
        TokenGrant.ClientCredentials grant = assertInstanceOf(TokenGrant.ClientCredentials.class, oauth(m365(
                "grant: client_credentials\ntenant: 0b5f1d0e-1111-2222-3333-444455556666\nclient_id: app-1\n"
                        + "client_certificate_file: " + cert + "\nclient_key_file: client.key\n")).grant());

        assertEquals(new ClientAuthentication.Certificate(cert, dir.resolve("client.key")), grant.authentication());
    }

    @Test
    void refreshGrantTakesItsSecretsFromTheEnvironment() throws Exception {
        OAuthConfig oauth = oauth(m365("grant: refresh_token\ntoken_endpoint: https://oauth2.googleapis.com/token\n"
                + "client_id: probe.apps.googleusercontent.com\nclient_secret_env: M365_CLIENT_SECRET\n"
                + "refresh_token_env: GOOGLE_REFRESH_TOKEN\nscope: https://mail.google.com/\nmechanism: xoauth2\n"
                + "refresh_ahead: 2m\n"));

        TokenGrant.RefreshToken grant = assertInstanceOf(TokenGrant.RefreshToken.class, oauth.grant());
        assertEquals(URI.create("https://oauth2.googleapis.com/token"), grant.tokenEndpoint());
        assertEquals("probe.apps.googleusercontent.com", grant.clientId());
        assertEquals(OAuthConfigs.CLIENT_SECRET, grant.clientSecret().reveal());
        assertEquals(OAuthConfigs.REFRESH_TOKEN, grant.refreshToken().reveal());
        assertEquals(List.of("https://mail.google.com/"), grant.scopes());
        assertEquals(OAuthMechanism.XOAUTH2, oauth.mechanism());
        assertEquals(Duration.ofMinutes(2), oauth.refreshAhead());
    }

    @Test
    void publicClientRefreshGrantHasNoClientSecretAndMayOmitScope() throws Exception {
        TokenGrant.RefreshToken grant = assertInstanceOf(TokenGrant.RefreshToken.class, oauth(m365(
                "grant: refresh_token\ntoken_endpoint: https://idp.example.com/token\nclient_id: cli\n"
                        + "refresh_token_file: refresh.token\n")).grant());

        assertNull(grant.clientSecret());
        assertEquals(OAuthConfigs.REFRESH_TOKEN, grant.refreshToken().reveal());
        assertEquals(List.of(), grant.scopes());
    }

    @Test
    void scopeListAndSpaceSeparatedScopesAreKeptInOrder() throws Exception {
        TokenGrant.ClientCredentials grant = assertInstanceOf(TokenGrant.ClientCredentials.class, oauth(m365(
                "grant: client_credentials\ntoken_endpoint: https://idp.example.com/token\nclient_id: app\n"
                        + "client_secret_file: client.secret\nscope: [\"mail.send mail.read\", openid]\n")).grant());

        assertEquals(List.of("mail.send", "mail.read", "openid"), grant.scopes());
    }

    @Test
    void tokenFileGrantNamesTheFile() throws Exception {
        assertEquals(new TokenGrant.TokenFile(dir.resolve("token")),
                oauth(m365("grant: token_file\ntoken_file: token\n")).grant());
    }

    @Test
    void routeWatchAndSubmissionShareTheAccountsOneTokens() throws Exception {
        AgentConfig config = configs.load("grant: token_file\ntoken_file: token\n");

        RouteConfig route = config.routes().get(0);
        assertSame(route.from().login().oauth().tokens(), route.watches().get(0).account().login().oauth().tokens());
        assertSame(config.accounts().get("m365").tokens().orElseThrow(), route.from().login().oauth().tokens());
    }

    @Test
    void loadingOpensNoTokenSource() throws Exception {
        AccountTokens tokens = m365("grant: token_file\ntoken_file: token\n").tokens().orElseThrow();

        assertFalse(tokens.isOpen());
        assertFalse(tokens.isClosed());
    }

    @Test
    void plainHttpEndpointForALabIsAcceptedWithAWarning() throws Exception {
        OAuthConfig oauth = oauth(m365("grant: client_credentials\ntoken_endpoint: http://127.0.0.1:8080/default/token\n"
                + "client_id: app\nclient_secret_file: client.secret\nscope: mail\ninsecure_plain_http: true\n"));

        assertTrue(oauth.insecurePlainHttp());

        assertEquals(List.of(dir.resolve("agent.yml") + ": accounts.m365.oauth2.insecure_plain_http: the token "
                + "endpoint http://127.0.0.1:8080/default/token is plain http: the client's secret and the tokens "
                + "cross the network in clear"), configs.fixture.warnings);
    }

    @Test
    void secretFileOthersCanReadIsWarnedAbout() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("client.secret"), PosixFilePermissions.fromString("rw-r--r--"));

        m365("grant: client_credentials\ntenant: contoso.onmicrosoft.com\nclient_id: app\n"
                + "client_secret_file: client.secret\n");

        assertEquals(List.of(dir.resolve("agent.yml") + ": accounts.m365.oauth2.client_secret_file: "
                + dir.resolve("client.secret") + " can be read or written by group or others (rw-r--r--); chmod 600 "
                + "it, or 640 owned by root with the agent's group"), configs.fixture.warnings);
    }

    @Test
    void tokenFileNotWrittenYetIsWarnedAbout() throws Exception {
        m365("grant: token_file\ntoken_file: later.token\n");

        assertEquals(List.of(dir.resolve("agent.yml") + ": accounts.m365.oauth2.token_file: file "
                + dir.resolve("later.token") + " does not exist yet; sign-ins fail with reason token until it does"),
                configs.fixture.warnings);
    }

    @Test
    void noSecretInTheConfigsText() throws Exception {
        AgentConfig config = configs.load("grant: refresh_token\ntoken_endpoint: https://idp.example.com/token\n"
                + "client_id: cli\nclient_secret_file: client.secret\nrefresh_token_env: GOOGLE_REFRESH_TOKEN\n");

        String text = config.toString();
        assertFalse(text.contains(OAuthConfigs.CLIENT_SECRET), text);
        assertFalse(text.contains(OAuthConfigs.REFRESH_TOKEN), text);
    }
}
