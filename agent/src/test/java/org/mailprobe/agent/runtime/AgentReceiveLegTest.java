package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

/** The receive leg in the running agent: delivered as a source MTA into GreenMail, watched per path. */
@Timeout(120)
class AgentReceiveLegTest {
    TestProvider provider;
    Agent agent;
    final List<ProbeFigures> outcomes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        provider = new TestProvider();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        provider.close();
    }

    RouteConfig receive(ServerEndpoint mx, boolean requireStartTls) {
        ServerConfig via = new ServerConfig("mx", Protocol.SMTP, mx, TestProvider.trusted(), TestProvider.FAST);
        AccountConfig mailbox = new AccountConfig("probe", TestProvider.USER, provider.account());
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, provider.imap(), TestProvider.trusted(),
                TestProvider.FAST);
        ServerConfig pop3 = new ServerConfig("pop3", Protocol.POP3, provider.pop3(), TestProvider.trusted(),
                TestProvider.FAST);
        return new RouteConfig("receive-test", Leg.RECEIVE, null, null, mailbox, Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(20),
                List.of(new WatchConfig(AccessPath.IMAP, imap, mailbox, "INBOX", Duration.ofMillis(300), true, true),
                        new WatchConfig(AccessPath.POP3, pop3, mailbox, "INBOX", Duration.ofMillis(300), false, true)),
                "agent@probe.test", TestProvider.USER,
                new DirectDeliveryConfig(via, requireStartTls, "probe.test", TestProvider.trusted(), TestProvider.FAST),
                null);
    }

    Agent agent(RouteConfig route) throws Exception {
        AgentIdentity identity = new AgentIdentity("test-agent", "test-site", new TokenSigner(TestConfigs.KEY),
                "probe.test");
        AgentConfig config = new AgentConfig(null, identity, Map.of(), Map.of(), List.of(route), ReachabilityConfig.NONE,
                null, null);
        agent = new Agent(config, new InetSocketAddress("127.0.0.1", 0), outcomes::add, ProbeClock.system());
        agent.start();
        return agent;
    }

    @Test
    void receiveLegIsMeasuredFromTheMxsAcceptanceOnEachPath() throws Exception {
        agent(receive(new ServerEndpoint("localhost", provider.smtp().port(), TlsMode.STARTTLS), false));

        String page = Scrapes.until("http://" + agent.web().hostPort() + "/metrics", Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "leg=\"receive\"", "path=\"imap\"") >= 2
                        && Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "leg=\"receive\"",
                                "path=\"pop3\"") >= 2
                        && Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 2);

        assertTrue(Scrapes.value(page, "mailprobe_probes_total", "route=\"receive-test\"", "result=\"success\"") >= 2,
                page);
        ProbeFigures o = outcomes.get(0);
        assertEquals("receive", o.leg());
        assertEquals(Reason.NONE, o.reason());
        assertTrue(o.submission().accepted() != null);
    }
}
