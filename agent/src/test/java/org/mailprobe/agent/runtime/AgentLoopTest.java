package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Flags;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.TestProvider;

@Timeout(120)
class AgentLoopTest {
    TestProvider provider;
    final List<Agent> agents = new ArrayList<>();

    @BeforeEach
    void start() {
        provider = new TestProvider();
    }

    @AfterEach
    void stop() {
        agents.forEach(Agent::close);
        provider.close();
    }

    String metricsUrl(Agent agent) {
        return "http://" + agent.web().hostPort() + "/metrics";
    }

    Agent agent(org.mailprobe.agent.config.AgentConfig config) throws Exception {
        Agent agent = new Agent(config, new InetSocketAddress("127.0.0.1", 0), outcome -> { }, ProbeClock.system());
        agents.add(agent);
        agent.start();
        return agent;
    }

    @Test
    void loopIsMeasuredEndToEndOnImapAndPop3AndExported() throws Exception {
        Agent agent = agent(TestConfigs.loop(provider, provider.account(), provider.smtp(), Duration.ofSeconds(1),
                AccessPath.IMAP, AccessPath.POP3));

        String page = Scrapes.until(metricsUrl(agent), Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"imap\"") >= 2
                        && Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"pop3\"") >= 2
                        // A probe's delay is recorded as a path sees it, its success just after.
                        && Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 2);

        assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "path=\"imap\"", "leg=\"loop\"",
                "route=\"loop-test\"", "agent=\"test-agent\"", "site=\"test-site\"") >= 2, page);
        assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "path=\"pop3\"") >= 2, page);
        assertTrue(Scrapes.value(page, "mailprobe_probes_total", "result=\"success\"") >= 2, page);
        assertTrue(Scrapes.value(page, "mailprobe_last_success_timestamp_seconds") > 1.7e9, page);
        assertTrue(Scrapes.value(page, "mailprobe_smtp_stage_seconds_count", "stage=\"data\"") >= 2, page);
        assertEquals(200, Scrapes.get("http://" + agent.web().hostPort() + "/-/ready").statusCode());
        assertEquals(200, Scrapes.get("http://" + agent.web().hostPort() + "/-/healthy").statusCode());
    }

    @Test
    void mailboxHoldingOtherMailKeepsAllOfItAfterManyProbes() throws Exception {
        for (int i = 0; i < 15; i++) {
            GreenMailUtil.sendTextEmail(TestProvider.USER, "friend@example.test", "hello " + i, "not a probe",
                    provider.greenMail().getSmtp().getServerSetup());
        }
        provider.inbox().get(3).setFlag(Flags.Flag.SEEN, true);
        provider.inbox().get(5).setFlag(Flags.Flag.FLAGGED, true);
        // Not a \Deleted-but-kept message here: GreenMail's POP3 QUIT expunges every \Deleted
        // message of the mailbox, not only those deleted in that session as real servers do. The
        // IMAP watcher's test covers that case.
        java.util.Map<String, Flags> before = foreignFlags();
        Agent agent = agent(TestConfigs.loop(provider, provider.account(), provider.smtp(), Duration.ofSeconds(1),
                AccessPath.IMAP, AccessPath.POP3));

        Scrapes.until(metricsUrl(agent), Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 5);

        assertEquals(15, before.size());
        assertEquals(before, foreignFlags(), "every foreign message is still there with the same flags");
        assertTrue(Scrapes.value(Scrapes.get(metricsUrl(agent)).body(), "mailprobe_probes_total",
                "result=\"success\"") >= 5);
    }

    java.util.Map<String, Flags> foreignFlags() throws Exception {
        java.util.Map<String, Flags> flags = new java.util.TreeMap<>();
        for (StoredMessage m : provider.inbox()) {
            MimeMessage mime = m.getMimeMessage();
            if (mime.getHeader("X-Mailprobe-Token") == null) {
                Flags f = new Flags(m.getFlags());
                f.remove(Flags.Flag.RECENT); // cleared by any IMAP session that selects the folder
                flags.put(mime.getSubject(), f);
            }
        }
        return flags;
    }

    @Test
    void wrongPasswordIsCountedAsAuthAndTheAgentKeepsProbing() throws Exception {
        Agent agent = agent(TestConfigs.loop(provider, provider.accountWithPassword("wrong-password"), provider.smtp(),
                Duration.ofSeconds(1), AccessPath.IMAP));

        String page = Scrapes.until(metricsUrl(agent), Duration.ofSeconds(30), p ->
                Scrapes.value(p, "mailprobe_probes_total", "reason=\"auth\"") >= 2);

        assertTrue(Scrapes.value(page, "mailprobe_probes_total", "reason=\"auth\"", "result=\"failure\"") >= 2, page);
        assertTrue(Scrapes.value(page, "mailprobe_watcher_failures_total", "reason=\"auth\"", "path=\"imap\"") >= 1, page);
        assertTrue(!page.contains("wrong-password"), "the password leaked into the metrics");
    }

    @Test
    void serverDownIsCountedAsConnectAndTheAgentKeepsProbing() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Agent agent = agent(TestConfigs.loop(provider, provider.account(),
                new ServerEndpoint("localhost", closedPort, TlsMode.PLAIN), Duration.ofSeconds(1), AccessPath.IMAP));

        String page = Scrapes.until(metricsUrl(agent), Duration.ofSeconds(30), p ->
                Scrapes.value(p, "mailprobe_probes_total", "reason=\"connect\"") >= 2);

        assertTrue(Scrapes.value(page, "mailprobe_probes_total", "reason=\"connect\"") >= 2, page);
    }

    @Test
    void submissionServerWithoutStartTlsIsCountedAsStartTlsAndTheAgentKeepsProbing() throws Exception {
        ServerEndpoint starttls = new ServerEndpoint("localhost", provider.smtp().port(), TlsMode.STARTTLS);
        Agent agent = agent(TestConfigs.loop(provider, provider.account(), starttls, Duration.ofSeconds(1),
                AccessPath.IMAP));

        String page = Scrapes.until(metricsUrl(agent), Duration.ofSeconds(30), p ->
                Scrapes.value(p, "mailprobe_probes_total", "reason=\"starttls\"") >= 2);

        assertTrue(Scrapes.value(page, "mailprobe_probes_total", "reason=\"starttls\"") >= 2, page);
        assertEquals(0, provider.greenMail().getReceivedMessages().length, "nothing may be sent in clear");
    }

    @Test
    void untrustedCertificateIsItsOwnReason() throws Exception {
        org.mailprobe.agent.config.AgentConfig config = TestConfigs.loop(provider, provider.account(), provider.smtps(),
                Duration.ofSeconds(1), AccessPath.IMAP);
        org.mailprobe.agent.config.RouteConfig r = config.routes().get(0);
        org.mailprobe.agent.config.ServerConfig untrusted = new org.mailprobe.agent.config.ServerConfig("smtps",
                org.mailprobe.agent.config.Protocol.SMTP, provider.smtps(), org.mailprobe.probes.TlsPolicy.verified(),
                TestProvider.FAST);
        org.mailprobe.agent.config.RouteConfig route = new org.mailprobe.agent.config.RouteConfig(r.name(), r.leg(),
                r.from(), untrusted, r.to(), r.interval(), r.jitter(), r.timeout(), r.watches());
        Agent agent = agent(new org.mailprobe.agent.config.AgentConfig(null, config.agent(), config.servers(),
                config.accounts(), List.of(route)));

        String page = Scrapes.until(metricsUrl(agent), Duration.ofSeconds(30), p ->
                Scrapes.value(p, "mailprobe_probes_total", "reason=\"certificate\"") >= 1);

        assertTrue(Scrapes.value(page, "mailprobe_probes_total", "reason=\"certificate\"") >= 1, page);
    }
}
