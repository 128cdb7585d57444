package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.store.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.config.WebmailConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.testing.FakeRoundcube;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.webmail.WebmailSettings;

/** A loop route watched on IMAP and on webmail (a Roundcube stand-in showing GreenMail's inbox). */
@Timeout(120)
class AgentWebmailTest {
    TestProvider provider;
    FakeRoundcube roundcube;
    Agent agent;

    @BeforeEach
    void start() throws Exception {
        provider = new TestProvider();
        roundcube = new FakeRoundcube(TestProvider.USER, TestProvider.PASSWORD, true);
        roundcube.mirror(this::inbox);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        roundcube.close();
        provider.close();
    }

    private Map<Long, String> inbox() {
        Map<Long, String> all = new LinkedHashMap<>();
        for (StoredMessage m : List.copyOf(provider.inbox())) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                m.getMimeMessage().writeTo(out);
                all.put(m.getUid(), out.toString(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return all;
    }

    private long probesInInbox() {
        return inbox().values().stream().filter(raw -> raw.contains("X-Mailprobe-Token:")).count();
    }

    private AgentConfig config() {
        ServerConfig smtp = new ServerConfig("smtp", Protocol.SMTP, provider.smtp(), TestProvider.trusted(),
                TestProvider.FAST);
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, provider.imap(), TestProvider.trusted(),
                TestProvider.FAST);
        ServerConfig web = new ServerConfig("web", Protocol.WEBMAIL, WebmailSettings.endpointOf(roundcube.url()),
                TestProvider.trusted(), TestProvider.FAST,
                new WebmailConfig(roundcube.url(), WebmailSettings.Driver.ROUNDCUBE, null));
        AccountConfig account = new AccountConfig("probe", TestProvider.USER, provider.account());
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        List.of(smtp, imap, web).forEach(s -> servers.put(s.name(), s));
        List<WatchConfig> watches = List.of(
                new WatchConfig(AccessPath.IMAP, imap, account, "INBOX", Duration.ofMillis(300), true, true),
                new WatchConfig(AccessPath.WEBMAIL, web, account, "INBOX", Duration.ofMillis(300), false, false));
        RouteConfig route = new RouteConfig("loop-test", Leg.LOOP, account, smtp, account, Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(20), watches);
        AgentIdentity identity = new AgentIdentity("test-agent", "test-site", new TokenSigner(TestConfigs.KEY),
                "probe.test");
        return new AgentConfig(null, identity, servers, Map.of(account.name(), account), List.of(route));
    }

    @Test
    void loopIsMeasuredOnWebmailBesideImapAndExported() throws Exception {
        agent = new Agent(config(), new InetSocketAddress("127.0.0.1", 0), outcome -> { }, ProbeClock.system());
        agent.start();
        String metrics = "http://" + agent.web().hostPort() + "/metrics";

        String page = Scrapes.until(metrics, Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"webmail\"") >= 2
                        && Scrapes.value(p, "mailprobe_watcher_up", "path=\"webmail\"") == 1.0
                        // A probe's delay is recorded as a path sees it, its success just after.
                        && Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 2);

        assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "path=\"webmail\"", "leg=\"loop\"",
                "route=\"loop-test\"") >= 2, page);
        assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "path=\"imap\"") >= 2, page);
        assertEquals(1.0, Scrapes.value(page, "mailprobe_watcher_up", "path=\"webmail\""), page);
        assertTrue(Scrapes.value(page, "mailprobe_probes_total", "result=\"success\"") >= 2, page);
        assertFalse(page.contains(TestProvider.PASSWORD), "the password leaked into the metrics");
        assertFalse(page.contains("roundcube_sess"), "a cookie leaked into the metrics");
    }

    @Test
    void probesSeenLastOnWebmailAreDeletedByTheImapWatcher() throws Exception {
        agent = new Agent(config(), new InetSocketAddress("127.0.0.1", 0), outcome -> { }, ProbeClock.system());
        agent.start();
        String metrics = "http://" + agent.web().hostPort() + "/metrics";
        Scrapes.until(metrics, Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 6);

        // Webmail (read-only) sees each probe after IMAP, whose watcher keeps it until it is finished
        // and then deletes it; only the one or two probes in flight may be in the inbox.
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long left = probesInInbox();
        while (left > 2 && System.nanoTime() < end) {
            Thread.sleep(50);
            left = probesInInbox();
        }
        assertTrue(left <= 2, left + " probes left in the inbox after 6 were measured");
    }
}
