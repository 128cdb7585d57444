package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.AccountTokens;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.oauth.TokenGrant;
import picocli.CommandLine;

/** The {@code probe} command's {@code --oauth2-*} flags (issue 16), parsed without probing. */
@Timeout(30)
class OAuthProbeOptionsTest {
    private static final String SECRET = "client-secret-on-disk-Rk3";

    @TempDir
    Path dir;

    private List<String> flags(String... extra) throws Exception {
        Path secret = Files.writeString(dir.resolve("client.secret"), SECRET + "\n");
        List<String> args = new ArrayList<>(List.of("--smtp-host", "smtp.office365.com", "--user", "probe@contoso.com",
                "--imap-host", "outlook.office365.com"));
        args.addAll(List.of("--oauth2-grant", "client_credentials", "--oauth2-tenant", "contoso.onmicrosoft.com",
                "--oauth2-client-id", "app-1", "--oauth2-client-secret-file", secret.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private static AgentConfig config(List<String> args) throws Exception {
        ProbeCommand command = new ProbeCommand();
        new CommandLine(command).parseArgs(args.toArray(new String[0]));
        return command.adHoc.toConfig(ProbeClock.system());
    }

    private static Account login(AgentConfig config, String account) {
        return config.accounts().get(account).login();
    }

    @Test
    void flagsMakeTheSubmitterAndTheWatchedMailboxShareOneTokenSource() throws Exception {
        AgentConfig config = config(flags());

        Account sender = login(config, "sender");
        Account mailbox = login(config, "mailbox");
        assertTrue(sender.usesOAuth());
        assertEquals("probe@contoso.com", sender.user());
        assertSame(sender.oauth().tokens(), mailbox.oauth().tokens());
        TokenGrant.ClientCredentials grant = assertInstanceOf(TokenGrant.ClientCredentials.class,
                ((AccountTokens) sender.oauth().tokens()).config().grant());
        assertEquals(URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"),
                grant.tokenEndpoint());
        assertEquals(SECRET, ((TokenGrant.ClientAuthentication.ClientSecret) grant.authentication()).secret().reveal());
        assertEquals(OAuthMechanism.AUTO, sender.oauth().mechanism());
    }

    @Test
    void scopeFlagIsRepeatable() throws Exception {
        AgentConfig config = config(flags("--oauth2-scope", "SMTP.SendAsApp", "--oauth2-scope", "IMAP.AccessAsApp",
                "--oauth2-mechanism", "xoauth2"));

        AccountTokens tokens = (AccountTokens) login(config, "sender").oauth().tokens();
        assertEquals(List.of("SMTP.SendAsApp", "IMAP.AccessAsApp"),
                ((TokenGrant.ClientCredentials) tokens.config().grant()).scopes());
        assertEquals(OAuthMechanism.XOAUTH2, tokens.config().mechanism());
    }

    @Test
    void watchPasswordGivesTheWatchedMailboxAPasswordLogin() throws Exception {
        Path pw = Files.writeString(dir.resolve("watch.pw"), "watch-password\n");

        AgentConfig config = config(flags("--watch-user", "other@contoso.com", "--watch-password-file", pw.toString()));

        assertTrue(login(config, "sender").usesOAuth());
        assertFalse(login(config, "mailbox").usesOAuth());
        assertEquals("watch-password", login(config, "mailbox").password().reveal());
    }

    @Test
    void oauthWithAPasswordIsRefused() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "password\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(flags("--password-file", pw.toString())));

        assertEquals("--oauth2-grant and --password-env/--password-file: an account signs in with a password or "
                + "with OAuth 2.0, not both", e.getMessage());
    }

    @Test
    void tenantAndTokenEndpointTogetherAreRefusedNamingTheFlags() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config(flags("--oauth2-token-endpoint", "https://login.example.com/token")));

        assertEquals(List.of("--oauth2-token-endpoint: --oauth2-tenant and --oauth2-token-endpoint are both set; "
                + "--oauth2-tenant stands for Microsoft's token endpoint, so give one of them"), e.problems());
    }

    @Test
    void oauthFlagsWithoutAGrantAreRefused() throws Exception {
        List<String> args = flags();
        int grant = args.indexOf("--oauth2-grant");
        args.subList(grant, grant + 2).clear();

        ConfigException e = assertThrows(ConfigException.class, () -> config(args));

        assertEquals(List.of("--oauth2-grant: is required"), e.problems());
    }

    @Test
    void missingClientCredentialIsRefusedNamingTheFlags() throws Exception {
        List<String> args = flags();
        int secret = args.indexOf("--oauth2-client-secret-file");
        args.subList(secret, secret + 2).clear();

        ConfigException e = assertThrows(ConfigException.class, () -> config(args));

        assertEquals(List.of("the OAuth 2.0 sign-in: needs a client credential: --oauth2-client-secret-file, "
                + "--oauth2-client-secret-env, or --oauth2-client-certificate-file with --oauth2-client-key-file"),
                e.problems());
    }

    @Test
    void webmailWatchOfAnOAuthMailboxIsRefused() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(flags("--webmail-url", "https://mail.contoso.com/roundcube/")));

        assertEquals("--webmail-url: Roundcube's login form needs a password, but the watched mailbox signs in with "
                + "OAuth 2.0; give it --watch-password-env or --watch-password-file, or leave out --webmail-url",
                e.getMessage());
    }

    @Test
    void badCombinationExitsWithUsageAndNoSecret() throws Exception {
        Cli cli = new Cli();
        List<String> args = new ArrayList<>(List.of("probe"));
        args.addAll(flags("--oauth2-refresh-token-env", "NOBODY_SETS_THIS"));

        int code = cli.run(args.toArray(new String[0]));

        assertEquals(ExitCodes.USAGE, code, cli.out + "" + cli.err);
        assertTrue(cli.err.toString().contains("--oauth2-refresh-token-env: applies to grant refresh_token only, not "
                + "client_credentials"), cli.err.toString());
        assertFalse((cli.out + "" + cli.err).contains(SECRET));
    }
}
