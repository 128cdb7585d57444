package org.mailprobe.agent.demo;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The demo's mail provider: GreenMail in this process, SMTP, IMAP and POP3 on loopback ports
 * chosen by the system, one mailbox, and an agent config with one loop route watched on both
 * IMAP and POP3. Plain connections: it never leaves 127.0.0.1.
 */
public final class DemoProvider implements AutoCloseable {
    public static final String ADDRESS = "demo@mailprobe.demo";
    private static final String HOST = "127.0.0.1";

    private final GreenMail greenMail;
    private final String password;

    public DemoProvider() {
        greenMail = new GreenMail(new ServerSetup[] {setup("smtp"), setup("imap"), setup("pop3")});
        greenMail.start();
        password = randomText(18);
        greenMail.setUser(ADDRESS, ADDRESS, password);
    }

    private static ServerSetup setup(String protocol) {
        ServerSetup s = new ServerSetup(0, HOST, protocol);
        s.setServerStartupTimeout(10_000);
        return s;
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int imapPort() {
        return greenMail.getImap().getPort();
    }

    public int pop3Port() {
        return greenMail.getPop3().getPort();
    }

    /**
     * Two routes every {@code interval}, watched on IMAP and POP3: {@code demo-loop} (submit with
     * a login) and {@code demo-receive} (the agent as a source MTA, GreenMail's SMTP as the MX).
     */
    public AgentConfig config(Duration interval, Duration pop3Poll) {
        TokenSigner signer = new TokenSigner(randomText(32).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        AgentIdentity identity = new AgentIdentity("demo", "demo", signer, "mailprobe.demo");
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
        TlsPolicy tls = TlsPolicy.verified();
        ServerConfig smtp = new ServerConfig("demo-smtp", Protocol.SMTP,
                new ServerEndpoint(HOST, smtpPort(), TlsMode.PLAIN), tls, timeouts);
        ServerConfig imap = new ServerConfig("demo-imap", Protocol.IMAP,
                new ServerEndpoint(HOST, imapPort(), TlsMode.PLAIN), tls, timeouts);
        ServerConfig pop3 = new ServerConfig("demo-pop3", Protocol.POP3,
                new ServerEndpoint(HOST, pop3Port(), TlsMode.PLAIN), tls, timeouts);
        AccountConfig account = new AccountConfig("demo", ADDRESS, new Account(ADDRESS, Secret.of(password)));
        RouteConfig route = new RouteConfig("demo-loop", Leg.LOOP, account, smtp, account, interval,
                interval.dividedBy(10), Duration.ofMinutes(1), List.of(
                        new WatchConfig(AccessPath.IMAP, imap, account, "INBOX", Duration.ofSeconds(1), true, true),
                        new WatchConfig(AccessPath.POP3, pop3, account, "INBOX", pop3Poll, false, true)));
        RouteConfig receive = new RouteConfig("demo-receive", Leg.RECEIVE, null, null, account, interval,
                interval.dividedBy(10), Duration.ofMinutes(1), route.watches(), "probe@agent.mailprobe.demo", ADDRESS,
                new DirectDeliveryConfig(smtp, false, "agent.mailprobe.demo", tls, timeouts), null);
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        servers.put(smtp.name(), smtp);
        servers.put(imap.name(), imap);
        servers.put(pop3.name(), pop3);
        return new AgentConfig(null, identity, servers, Map.of(account.name(), account), List.of(route, receive));
    }

    private static String randomText(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
