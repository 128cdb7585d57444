package org.mailprobe.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.Durations;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.SinkConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.config.WebmailConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The {@code probe} command's flags for a route without a config file. Defaults are the config
 * format's ({@link Defaults}); secrets come only from a file or an environment variable.
 */
final class AdHocRoute {
    private static final Logger logger = LoggerFactory.getLogger(AdHocRoute.class);
    static final String DEFAULT_TIMEOUT = "5m";
    static final String ROUTE = "adhoc";

    @Option(names = "--leg", paramLabel = "LEG", defaultValue = "loop",
            description = "loop (submit, watch the mailbox), send (submit to --to-address at the sink) or receive "
                    + "(deliver to the MX of --to, watch the mailbox). Default: ${DEFAULT-VALUE}.")
    String legName;

    @Option(names = "--smtp-host", paramLabel = "HOST", description = "Submission server (loop, send).")
    @Nullable String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "PORT",
            description = "Submission port (default: 587 for starttls, 465 for implicit, 25 for plain).")
    @Nullable Integer smtpPort;

    @Option(names = "--smtp-tls", paramLabel = "MODE", defaultValue = "starttls",
            description = "plain, starttls (required, not opportunistic) or implicit (default: ${DEFAULT-VALUE}).")
    String smtpTls;

    @Option(names = "--user", paramLabel = "LOGIN",
            description = "Login for submission (loop, send); for receive, the watched mailbox's login.")
    @Nullable String user;

    @Option(names = "--to-address", paramLabel = "ADDRESS",
            description = "send: the recipient at the sink; the sink accepts its domain.")
    @Nullable String toAddress;

    @Option(names = "--sink-listen", paramLabel = "HOST:PORT",
            description = "send: run the sink here for this probe (e.g. 0.0.0.0:25).")
    @Nullable String sinkListen;

    @Option(names = "--sink-remote", paramLabel = "URL",
            description = "send: read the deliveries of a sink run elsewhere (mailprobe sink) instead.")
    java.net.@Nullable URI sinkRemote;

    @Option(names = "--sink-cert", paramLabel = "PEM", description = "send: the sink's STARTTLS certificate chain.")
    @Nullable Path sinkCert;

    @Option(names = "--sink-key", paramLabel = "PEM", description = "send: the key of --sink-cert (PKCS#8).")
    @Nullable Path sinkKey;

    @Option(names = "--mx-host", paramLabel = "HOST",
            description = "receive: deliver to this server (default: look up the MX of --to's domain).")
    @Nullable String mxHost;

    @Option(names = "--mx-port", paramLabel = "PORT", defaultValue = "25", description = "receive: its port (default: ${DEFAULT-VALUE}).")
    int mxPort;

    @Option(names = "--starttls", paramLabel = "MODE", defaultValue = "opportunistic",
            description = "receive: opportunistic or required (default: ${DEFAULT-VALUE}).")
    String starttls;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password.")
    @Nullable String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the password.")
    @Nullable Path passwordFile;

    @ArgGroup(exclusive = false, heading = "%nOAuth 2.0 sign-in instead of a password (secrets from files or "
            + "variables):%n")
    @Nullable OAuthOptions oauth2;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "Sender address (default: --user).")
    @Nullable String from;

    @Option(names = "--to", paramLabel = "ADDRESS", description = "Recipient: the watched mailbox (default: --from).")
    @Nullable String to;

    @Option(names = "--watch-user", paramLabel = "LOGIN", description = "Login of the watched mailbox (default: --user).")
    @Nullable String watchUser;

    @Option(names = "--watch-password-env", paramLabel = "VAR", description = "Its password's variable (default: --password-env).")
    @Nullable String watchPasswordEnv;

    @Option(names = "--watch-password-file", paramLabel = "FILE", description = "Its password's file (default: --password-file).")
    @Nullable Path watchPasswordFile;

    @Option(names = "--imap-host", paramLabel = "HOST", description = "Watch by IMAP on this server.")
    @Nullable String imapHost;

    @Option(names = "--imap-port", paramLabel = "PORT", description = "IMAP port (default: 993 implicit, 143 starttls/plain).")
    @Nullable Integer imapPort;

    @Option(names = "--imap-tls", paramLabel = "MODE", defaultValue = "implicit", description = "IMAP TLS mode (default: ${DEFAULT-VALUE}).")
    String imapTls;

    @Option(names = "--imap-idle", paramLabel = "BOOL", defaultValue = "true", arity = "1",
            description = "Use IMAP IDLE where offered (default: ${DEFAULT-VALUE}).")
    boolean imapIdle;

    @Option(names = "--pop3-host", paramLabel = "HOST", description = "Watch by POP3 on this server.")
    @Nullable String pop3Host;

    @Option(names = "--pop3-port", paramLabel = "PORT", description = "POP3 port (default: 995 implicit, 110 starttls/plain).")
    @Nullable Integer pop3Port;

    @Option(names = "--pop3-tls", paramLabel = "MODE", defaultValue = "implicit", description = "POP3 TLS mode (default: ${DEFAULT-VALUE}).")
    String pop3Tls;

    @Option(names = "--webmail-url", paramLabel = "URL",
            description = "Watch through Roundcube at this URL too (the watched mailbox's login). Other webmails: a "
                    + "config file with the form driver.")
    java.net.@Nullable URI webmailUrl;

    @Option(names = "--webmail-insecure-plain-http",
            description = "Allow an http:// --webmail-url: the password crosses the network in clear. Lab only.")
    boolean webmailPlainHttp;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "1s",
            description = "POP3 poll interval, and IMAP's without IDLE (default: ${DEFAULT-VALUE}).")
    String pollInterval;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust this CA too (a private CA).")
    @Nullable Path caFile;

    @Option(names = "--insecure-plain-auth",
            description = "Allow --smtp-tls, --imap-tls or --pop3-tls plain: the password crosses the network in "
                    + "clear. Lab only; logged loudly.")
    boolean insecurePlainAuth;

    @Option(names = "--insecure-skip-verify", description = "Accept any certificate. For a lab only; logged loudly.")
    boolean insecure;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", description = "Per connect (default: ${DEFAULT-VALUE}).")
    String connectTimeout;

    @Option(names = "--read-timeout", paramLabel = "DURATION", defaultValue = "30s", description = "Per read (default: ${DEFAULT-VALUE}).")
    String readTimeout;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "HMAC key for the probe's token (default: a random key for this run).")
    @Nullable Path keyFile;

    @Option(names = "--agent-id", paramLabel = "ID", defaultValue = "probe", description = "Agent id in the token (default: ${DEFAULT-VALUE}).")
    String agentId;

    @Option(names = "--helo", paramLabel = "NAME", description = "Name given in EHLO (default: this host's name).")
    @Nullable String helo;

    @Option(names = "--keep", description = "Leave the probe message in the mailbox (default: delete it once measured).")
    boolean keep;

    AgentConfig toConfig(InstantSource clock) throws IOException, ConfigException {
        Leg leg = leg();
        boolean toSink = leg == Leg.SEND;
        if (toSink && (imapHost != null || pop3Host != null)) {
            throw new IllegalArgumentException("--leg send sees the probe at the sink; --imap-host and --pop3-host do "
                    + "not apply (use a config route with estimate: for an external mailbox)");
        }
        if (toSink && webmailUrl != null) {
            throw new IllegalArgumentException("--leg send sees the probe at the sink; --webmail-url does not apply");
        }
        if (!toSink && imapHost == null && pop3Host == null && webmailUrl == null) {
            throw new IllegalArgumentException("give --imap-host, --pop3-host or --webmail-url (any of them): where "
                    + "to watch the probe arrive");
        }
        if (leg != Leg.RECEIVE && (smtpHost == null || user == null)) {
            throw new IllegalArgumentException("--leg " + leg.label() + " submits: give --smtp-host and --user");
        }
        if (leg == Leg.RECEIVE && user == null && watchUser == null) {
            throw new IllegalArgumentException("--leg receive: give --watch-user (or --user): the watched mailbox's login");
        }
        if (leg == Leg.RECEIVE && (from == null || to == null)) {
            throw new IllegalArgumentException("--leg receive: give --from (the envelope sender) and --to (the mailbox's address)");
        }
        TlsPolicy tls = insecure ? TlsPolicy.insecure() : caFile != null ? TlsPolicy.trusting(caFile) : TlsPolicy.verified();
        Timeouts timeouts = new Timeouts(Durations.parse(connectTimeout), Durations.parse(readTimeout));
        OAuthLogin oauth = oauth2 == null ? null : oauth2.login(tls, timeouts, clock);
        if (oauth != null && (passwordEnv != null || passwordFile != null)) {
            throw new IllegalArgumentException("--oauth2-grant and --password-env/--password-file: an account signs "
                    + "in with a password or with OAuth 2.0, not both");
        }
        Secret password = oauth != null || leg == Leg.RECEIVE && passwordEnv == null && passwordFile == null
                ? null : secret("--password-env", passwordEnv, "--password-file", passwordFile);
        boolean watchOwnPassword = watchPasswordEnv != null || watchPasswordFile != null;
        Secret watchPassword = !watchOwnPassword ? password
                : secret("--watch-password-env", watchPasswordEnv, "--watch-password-file", watchPasswordFile);
        // The watched mailbox signs in as the submitter does unless it has a password of its own.
        OAuthLogin watchOAuth = watchOwnPassword ? null : oauth;
        if (leg != Leg.SEND && watchPassword == null && watchOAuth == null) {
            throw new IllegalArgumentException("give the watched mailbox's password: --watch-password-env or "
                    + "--watch-password-file (or --oauth2-grant and its options)");
        }
        if (watchOAuth != null && webmailUrl != null) {
            throw new IllegalArgumentException("--webmail-url: Roundcube's login form needs a password, but the "
                    + "watched mailbox signs in with OAuth 2.0; give it --watch-password-env or --watch-password-file, "
                    + "or leave out --webmail-url");
        }
        // The RouteConfig below insists on a sender, as validate() does on --from or --user.
        String sender = Objects.requireNonNull(from == null ? user : from, "--from or --user");
        AccountConfig submitter = leg == Leg.RECEIVE ? null
                : new AccountConfig("sender", sender, login(user, password, oauth));
        AccountConfig mailbox = toSink ? null : new AccountConfig("mailbox", to == null ? sender : to,
                login(watchUser == null ? user : watchUser, watchPassword, watchOAuth));
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        ServerConfig smtp = leg == Leg.RECEIVE ? null
                : server("smtp", Protocol.SMTP, smtpHost, smtpPort, smtpTls, tls, timeouts);
        if (smtp != null) {
            servers.put(smtp.name(), smtp);
        }
        Duration poll = Durations.parse(pollInterval);
        List<WatchConfig> watches = new ArrayList<>();
        if (imapHost != null) {
            ServerConfig imap = server("imap", Protocol.IMAP, imapHost, imapPort, imapTls, tls, timeouts);
            servers.put(imap.name(), imap);
            watches.add(new WatchConfig(AccessPath.IMAP, imap, watched(mailbox), Defaults.FOLDER, poll, imapIdle, !keep));
        }
        if (pop3Host != null) {
            ServerConfig pop3 = server("pop3", Protocol.POP3, pop3Host, pop3Port, pop3Tls, tls, timeouts);
            servers.put(pop3.name(), pop3);
            watches.add(new WatchConfig(AccessPath.POP3, pop3, watched(mailbox), Defaults.FOLDER, poll, false, !keep));
        }
        if (webmailUrl != null) {
            ServerConfig web = webmail(tls, timeouts);
            servers.put(web.name(), web);
            // Webmail only reads; the other paths delete, or --keep keeps it.
            watches.add(new WatchConfig(AccessPath.WEBMAIL, web, watched(mailbox), Defaults.FOLDER, poll, false, false));
        }
        refusePlainAuth(smtp, "--smtp-tls");
        for (WatchConfig watch : watches) {
            // Webmail has its own rule and flag (--webmail-insecure-plain-http, in webmail()).
            if (watch.path() != AccessPath.WEBMAIL) {
                refusePlainAuth(watch.server(), watch.path() == AccessPath.IMAP ? "--imap-tls" : "--pop3-tls");
            }
        }
        Duration interval = Duration.ofHours(1);
        String hostname = helo == null ? Defaults.hostname() : helo;
        SinkConfig sink = toSink ? sink(hostname) : null;
        DirectDeliveryConfig direct = leg != Leg.RECEIVE ? null : new DirectDeliveryConfig(
                mxHost == null ? null : server("mx", Protocol.SMTP, mxHost, mxPort, "starttls", tls, timeouts),
                requireStartTls(), hostname, tls, timeouts);
        String recipient = toSink ? toAddress : watched(mailbox).address();
        RouteConfig route = new RouteConfig(ROUTE, leg, submitter, smtp, mailbox, interval, Duration.ZERO,
                Durations.parse(DEFAULT_TIMEOUT), watches, sender,
                Objects.requireNonNull(recipient, "--to"), direct, null);
        AgentIdentity identity = new AgentIdentity(agentId, "adhoc", new TokenSigner(key()), hostname);
        Map<String, AccountConfig> accounts = new LinkedHashMap<>();
        if (submitter != null) {
            accounts.put(submitter.name(), submitter);
        }
        if (mailbox != null) {
            accounts.put(mailbox.name(), mailbox);
        }
        return new AgentConfig(null, identity, servers, accounts, List.of(route), ReachabilityConfig.NONE, null, sink);
    }

    private static Account login(@Nullable String user, @Nullable Secret password, @Nullable OAuthLogin oauth) {
        // validate() has insisted on --user and on a password or OAuth for every login made here.
        String name = Objects.requireNonNull(user, "user");
        return oauth != null ? Account.oauth(name, oauth) : new Account(name, Objects.requireNonNull(password, "password"));
    }

    /** The watched mailbox: there is one unless the route goes to a sink, which has no watchers. */
    private static AccountConfig watched(@Nullable AccountConfig mailbox) {
        return Objects.requireNonNull(mailbox, "mailbox");
    }

    /** The same rule as a config's insecure_plain_auth (issue 11): every server here is logged in to. */
    private void refusePlainAuth(@Nullable ServerConfig server, String flag) {
        if (server == null || server.endpoint().tlsMode() != TlsMode.PLAIN) {
            return;
        }
        if (!insecurePlainAuth) {
            throw new IllegalArgumentException(flag + " plain would send the password in clear; use starttls or "
                    + "implicit, or add --insecure-plain-auth (lab only)");
        }
        logger.warn("The password crosses the network in clear: {} plain with --insecure-plain-auth. server={}",
                flag, server.endpoint().host() + ":" + server.endpoint().port());
    }

    private ServerConfig webmail(TlsPolicy tls, Timeouts timeouts) {
        java.net.URI webmailUrl = Objects.requireNonNull(this.webmailUrl, "called with --webmail-url only");
        String scheme = webmailUrl.getScheme();
        if (webmailUrl.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
            throw new IllegalArgumentException("--webmail-url: '" + webmailUrl + "' is not an http(s) URL");
        }
        if ("http".equals(scheme) && !webmailPlainHttp) {
            throw new IllegalArgumentException("--webmail-url: " + webmailUrl + " is plain http, so the password would "
                    + "cross the network in clear; use https, or add --webmail-insecure-plain-http (lab only)");
        }
        WebmailConfig config = new WebmailConfig(webmailUrl, org.mailprobe.probes.webmail.WebmailSettings.Driver.ROUNDCUBE, null);
        return new ServerConfig("webmail", Protocol.WEBMAIL,
                org.mailprobe.probes.webmail.WebmailSettings.endpointOf(webmailUrl), tls, timeouts, config);
    }

    private Leg leg() {
        for (Leg k : Leg.values()) {
            if (k.label().equalsIgnoreCase(legName)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--leg: '" + legName + "' is not a leg; use loop, send or receive");
    }

    private boolean requireStartTls() {
        switch (starttls.toLowerCase(java.util.Locale.ROOT)) {
            case "opportunistic":
                return false;
            case "required":
                return true;
            default:
                throw new IllegalArgumentException("--starttls: '" + starttls + "' is not opportunistic or required");
        }
    }

    private SinkConfig sink(String hostname) {
        if (toAddress == null || toAddress.indexOf('@') <= 0) {
            throw new IllegalArgumentException("--leg send: give --to-address, an address whose domain the provider "
                    + "delivers to the sink");
        }
        if ((sinkListen == null) == (sinkRemote == null)) {
            throw new IllegalArgumentException("--leg send: give --sink-listen HOST:PORT (run the sink here) or "
                    + "--sink-remote URL (a sink run elsewhere), one of them");
        }
        if (sinkRemote != null && !"https".equals(sinkRemote.getScheme())) {
            // The feed's MACs authenticate it, but a one-shot probe has no config to say that plain
            // http was meant, so only https (verified by the JVM's trust store) is taken here.
            throw new IllegalArgumentException("--sink-remote: '" + sinkRemote + "' is not https; the sink feed is "
                    + "read over verified https only here (a config's sink.insecure_plain_http allows http)");
        }
        if ((sinkCert == null) != (sinkKey == null)) {
            throw new IllegalArgumentException("--sink-cert and --sink-key go together");
        }
        String domain = toAddress.substring(toAddress.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
        java.net.InetSocketAddress listen = null;
        if (sinkListen != null) {
            int colon = sinkListen.lastIndexOf(':');
            try {
                listen = new java.net.InetSocketAddress(colon <= 0 ? "0.0.0.0" : sinkListen.substring(0, colon),
                        Integer.parseInt(sinkListen.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--sink-listen: '" + sinkListen + "' is not HOST:PORT or :PORT", e);
            }
        }
        return new SinkConfig(listen, sinkRemote, hostname, List.of(domain), sinkCert, sinkKey,
                Defaults.SINK_MAX_MESSAGE_BYTES, Defaults.SINK_MAX_CONNECTIONS, Defaults.SINK_CONNECTION_TIMEOUT);
    }

    private static ServerConfig server(String name, Protocol protocol, @Nullable String host, @Nullable Integer port,
            @Nullable String tlsText,
            TlsPolicy tls, Timeouts timeouts) {
        TlsMode mode = TlsMode.parse(Objects.requireNonNull(tlsText, "every --*-tls has a default"));
        int p = port == null ? Defaults.port(protocol, mode) : port;
        return new ServerConfig(name, protocol, new ServerEndpoint(Objects.requireNonNull(host, name + " host"), p, mode), tls,
                timeouts);
    }

    private byte[] key() throws IOException {
        if (keyFile == null) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        }
        String text = Files.readString(keyFile, StandardCharsets.UTF_8);
        return text.strip().getBytes(StandardCharsets.UTF_8);
    }

    private static Secret secret(String envFlag, @Nullable String env, String fileFlag, @Nullable Path file) throws IOException {
        if ((env == null) == (file == null)) {
            throw new IllegalArgumentException("give exactly one of " + envFlag + " and " + fileFlag);
        }
        if (env != null) {
            String value = System.getenv(env);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(envFlag + ": environment variable " + env + " is not set or empty");
            }
            return Secret.of(value);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(fileFlag + ": cannot read " + file);
        }
        String value = Files.readString(file, StandardCharsets.UTF_8);
        value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        if (value.isEmpty()) {
            throw new IllegalArgumentException(fileFlag + ": " + file + " is empty");
        }
        return Secret.of(value);
    }
}
