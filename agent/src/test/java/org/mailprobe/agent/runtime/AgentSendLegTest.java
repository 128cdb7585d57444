package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.SendEstimateConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.SinkConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.report.MonthlyReport;
import org.mailprobe.agent.report.Report;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.HoldingRelay;
import org.mailprobe.probes.testing.SmtpClient;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The send leg in the running agent: probes submitted to a relay that holds each one a known
 * time before delivering it to the agent's sink (or to a mailbox, for the estimate).
 */
@Timeout(120)
class AgentSendLegTest {
    static final Duration HOLD = Duration.ofMillis(600);
    static final TokenSigner SIGNER = new TokenSigner(TestConfigs.KEY);
    final List<AutoCloseable> closing = new ArrayList<>();
    final List<ProbeFigures> outcomes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        outcomes.clear();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    Agent agent(AgentConfig config) throws Exception {
        Agent agent = new Agent(config, new InetSocketAddress("127.0.0.1", 0), outcomes::add, ProbeClock.system());
        closing.add(agent);
        agent.start();
        return agent;
    }

    static SinkConfig localSink() {
        return new SinkConfig(new InetSocketAddress("127.0.0.1", 0), null, "sink.test", List.of("sink.test"), null, null,
                Defaults.SINK_MAX_MESSAGE_BYTES, Defaults.SINK_MAX_CONNECTIONS, Defaults.SINK_CONNECTION_TIMEOUT);
    }

    static AgentConfig config(String agentId, SinkConfig sink, RouteConfig... routes) {
        return config(agentId, sink, null, routes);
    }

    static AgentConfig config(String agentId, SinkConfig sink, JournalConfig journal, RouteConfig... routes) {
        AgentIdentity identity = new AgentIdentity(agentId, "test-site", new TokenSigner(TestConfigs.KEY), "probe.test");
        return new AgentConfig(null, identity, Map.of(), Map.of(), List.of(routes), ReachabilityConfig.NONE, journal,
                sink);
    }

    static ServerConfig smtp(int port) {
        return new ServerConfig("relay", Protocol.SMTP, new ServerEndpoint("localhost", port, TlsMode.PLAIN),
                TestProvider.trusted(), TestProvider.FAST);
    }

    static AccountConfig sender() {
        return new AccountConfig("sender", "agent@probe.test", new TestProvider().account());
    }

    static RouteConfig toSink(int relayPort) {
        return new RouteConfig("send-test", Leg.SEND, sender(), smtp(relayPort), null, Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(20), List.of(), "agent@probe.test", "probe@sink.test", null, null);
    }

    HoldingRelay relayTo(int port) {
        HoldingRelay relay = new HoldingRelay(port, token -> HOLD);
        closing.add(relay);
        return relay;
    }

    String metrics(Agent agent) {
        return "http://" + agent.web().hostPort() + "/metrics";
    }

    @Test
    void aDeliveryToTheSinkAfterTheRoutesTimeoutIsTakenAndJournaledAsLate() throws Exception {
        // Refusing it as stale would bounce the provider's late delivery and lose the one figure
        // that proves a message over the timeout; the replay window is twice the timeout for that.
        int sinkPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            sinkPort = free.getLocalPort();
        }
        HoldingRelay relay = new HoldingRelay(sinkPort, token -> Duration.ofMillis(3500));
        closing.add(relay);
        SinkConfig sink = new SinkConfig(new InetSocketAddress("127.0.0.1", sinkPort), null, "sink.test",
                List.of("sink.test"), null, null, Defaults.SINK_MAX_MESSAGE_BYTES, Defaults.SINK_MAX_CONNECTIONS,
                Defaults.SINK_CONNECTION_TIMEOUT);
        RouteConfig late = new RouteConfig("send-late", Leg.SEND, sender(), smtp(relay.port()), null,
                Duration.ofMinutes(10), Duration.ZERO, Duration.ofSeconds(2), List.of(), "agent@probe.test",
                "probe@sink.test", null, null);
        Agent sender = agent(config("test-agent", sink, late));

        String page = Scrapes.until(metrics(sender), Duration.ofSeconds(60),
                p -> Scrapes.value(p, "mailprobe_late_arrivals_total", "route=\"send-late\"") >= 1);

        assertEquals(1.0, Scrapes.value(page, "mailprobe_late_arrivals_total", "route=\"send-late\""));
        assertEquals(0.0, Scrapes.value(page, "mailprobe_sink_refused_total", "reason=\"stale\""));
    }

    @Test
    void aRemoteSinksDeliveriesAreMeasuredOnTheSendingAgentsClock() throws Exception {
        // A sink run on its own (as `mailprobe sink` does), read remotely by the sending agent.
        Agent agent = agent(config("sink-agent", localSink()));
        HoldingRelay relay = relayTo(agent.sink().port());
        Agent sender = agent(config("test-agent", remoteSink(agent), toSink(relay.port())));

        String page = Scrapes.until(metrics(sender), Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "leg=\"send\"", "path=\"sink\"") >= 2
                        && Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 2);

        assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "leg=\"send\"", "path=\"sink\"") >= 2);
        for (ProbeFigures o : outcomes) {
            Arrival a = o.paths().get(0).arrival();
            assertEquals(AccessPath.SINK, a.path());
            // Both agents run in this JVM on one clock: the measured offset is 0 within its stated bound.
            long offset = Long.parseLong(a.evidence().get("sink_clock_offset_ms"));
            long uncertainty = Long.parseLong(a.evidence().get("sink_clock_uncertainty_ms"));
            assertTrue(Math.abs(offset) <= uncertainty + 1, a.evidence().toString());
            // Causality, not timing: the sink cannot see MAIL FROM before the relay sent it.
            java.time.Instant sent = relay.handoff(SIGNER.sign(a.token())).orElseThrow().mailFromSentAt();
            assertFalse(a.seenAt().plusMillis(uncertainty + 1).isBefore(sent), a.seenAt() + " before " + sent);
            assertTrue(o.paths().get(0).delay().compareTo(Duration.ZERO) > 0);
        }
    }

    @Test
    void theAgentsOwnSinkMeasuresTheSendLegAndRefusesWhatIsNotAProbe() throws Exception {
        // The relay must know the sink's port before the route knows the relay's: bind a sink on a
        // free port first, then give the agent that port.
        int sinkPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            sinkPort = free.getLocalPort();
        }
        HoldingRelay relay = relayTo(sinkPort);
        SinkConfig sink = new SinkConfig(new InetSocketAddress("127.0.0.1", sinkPort), null, "sink.test",
                List.of("sink.test"), null, null, Defaults.SINK_MAX_MESSAGE_BYTES, Defaults.SINK_MAX_CONNECTIONS,
                Defaults.SINK_CONNECTION_TIMEOUT);
        Agent agent = agent(config("test-agent", sink, toSink(relay.port())));
        try (SmtpClient client = new SmtpClient(sinkPort)) {
            client.reply();
            client.command("EHLO stranger.test");
            client.command("MAIL FROM:<someone@stranger.test>");
            client.command("RCPT TO:<probe@sink.test>");
            String reply = client.data("Subject: hello\r\n\r\nnot a probe");
            assertTrue(reply.startsWith("550"), reply);
        }

        String page = Scrapes.until(metrics(agent), Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "leg=\"send\"", "path=\"sink\"") >= 1
                        && Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 1);

        assertEquals(1.0, Scrapes.value(page, "mailprobe_sink_refused_total", "reason=\"not_probe\""), page);
        ProbeFigures o = outcomes.get(0);
        Arrival a = o.paths().get(0).arrival();
        java.time.Instant sent = relay.handoff(SIGNER.sign(a.token())).orElseThrow().mailFromSentAt();
        assertFalse(a.seenAt().isBefore(sent), "the sink saw MAIL FROM at " + a.seenAt() + ", the relay sent it at " + sent);
        assertEquals("none", a.evidence().get("sink_tls"));
        assertTrue(Scrapes.value(page, "mailprobe_sink_deliveries_total") >= 1, page);
        assertEquals(0.0, Scrapes.value(page, "mailprobe_sink_refused_total", "reason=\"forged_token\""), page);
    }

    @Test
    void sendToAnExternalMailboxGivesAnEstimateOnItsOwnPathLabel(@TempDir Path dir) throws Exception {
        TestProvider provider = new TestProvider();
        closing.add(provider);
        HoldingRelay relay = relayTo(provider.smtp().port());
        AccountConfig mailbox = new AccountConfig("probe", TestProvider.USER, provider.account());
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, provider.imap(), TestProvider.trusted(),
                TestProvider.FAST);
        RouteConfig route = new RouteConfig("send-external", Leg.SEND, sender(), smtp(relay.port()), mailbox,
                Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(20),
                List.of(new WatchConfig(AccessPath.IMAP, imap, mailbox, "INBOX", Duration.ofMillis(300), true, true)),
                "agent@probe.test", TestProvider.USER, null, new SendEstimateConfig(List.of("relay.test")));
        JournalConfig journal = new JournalConfig(dir, Defaults.JOURNAL_ROTATION, Defaults.JOURNAL_RETENTION,
                Defaults.JOURNAL_FSYNC_INTERVAL);
        Agent agent = agent(config("test-agent", null, journal, route));

        String page = Scrapes.until(metrics(agent), Duration.ofSeconds(60), p ->
                Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "leg=\"send\"",
                        "path=\"received_headers\"") >= 1
                        && Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 1);
        agent.close();

        Report report = MonthlyReport.compute(dir, YearMonth.now(ZoneOffset.UTC));
        List<String> rows = report.clause4().paths().stream().map(p -> p.leg() + " " + p.path()).toList();
        assertTrue(rows.contains("send received_headers"), rows.toString());
        assertTrue(rows.contains("loop imap"), rows.toString());
        assertFalse(rows.contains("send imap"), "the mailbox's end-to-end delay is not a send delay: " + rows);

        assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "leg=\"loop\"", "path=\"imap\"",
                "route=\"send-external\"") >= 1,
                page);
        ProbeFigures o = outcomes.get(0);
        Arrival a = o.paths().get(0).arrival();
        // Two hops: the relay's stamp (the provider's) and GreenMail's (the destination's).
        assertTrue(a.received().size() >= 2, a.received().toString());
        var estimate = o.estimate();
        assertTrue(estimate.estimate().isPresent(), estimate.reason());
        assertTrue(estimate.estimate().get().handoffByDestination());
    }

    static SinkConfig remoteSink(Agent sinkAgent) {
        return new SinkConfig(null, java.net.URI.create("http://" + sinkAgent.web().hostPort()), "probe.test",
                List.of("sink.test"), null, null, Defaults.SINK_MAX_MESSAGE_BYTES, Defaults.SINK_MAX_CONNECTIONS,
                Defaults.SINK_CONNECTION_TIMEOUT).withFeed(SinkConfig.Feed.DEFAULTS.allowingPlainHttp());
    }

    @Test
    void aGenuineProbeReplayedFiveHundredTimesWithHugeHeadersLeavesTheSinkBoundedAndProbesStillArrive()
            throws Exception {
        int sinkPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            sinkPort = free.getLocalPort();
        }
        HoldingRelay relay = relayTo(sinkPort);
        SinkConfig sink = new SinkConfig(new InetSocketAddress("127.0.0.1", sinkPort), null, "sink.test",
                List.of("sink.test"), null, null, Defaults.SINK_MAX_MESSAGE_BYTES, Defaults.SINK_MAX_CONNECTIONS,
                Defaults.SINK_CONNECTION_TIMEOUT);
        Agent agent = agent(config("test-agent", sink, toSink(relay.port())));
        Scrapes.until(metrics(agent), Duration.ofSeconds(60),
                p -> Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") >= 1);
        Arrival genuine = outcomes.get(0).outcome().arrivals().values().iterator().next();
        StringBuilder replay = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            replay.append("X-Padding-").append(i).append(": ").append("p".repeat(990)).append("\r\n");
        }
        replay.append(TokenSigner.HEADER).append(": ").append(SIGNER.sign(genuine.token()))
                .append("\r\nSubject: replay\r\n\r\nagain\r\n");

        try (SmtpClient attacker = new SmtpClient(sinkPort)) {
            attacker.reply();
            attacker.command("EHLO attacker.test");
            for (int i = 0; i < 500; i++) {
                attacker.command("MAIL FROM:<a@attacker.test>");
                attacker.command("RCPT TO:<probe@sink.test>");
                String reply = attacker.data(replay.toString());
                assertTrue(reply.startsWith("550"), i + ": " + reply);
            }
        }
        double before = Scrapes.value(Scrapes.get(metrics(agent)).body(), "mailprobe_probes_total",
                "result=\"success\"");

        String page = Scrapes.until(metrics(agent), Duration.ofSeconds(60),
                p -> Scrapes.value(p, "mailprobe_probes_total", "result=\"success\"") > before);

        assertEquals(500.0, Scrapes.value(page, "mailprobe_sink_refused_total", "reason=\"replay\""), page);
        double delivered = Scrapes.value(page, "mailprobe_sink_deliveries_total");
        SinkFeed feed = agent.sink().feed();
        assertTrue(feed.size() <= delivered + 2, "feed entries " + feed.size() + ", deliveries " + delivered);
        assertTrue(feed.bytes() <= feed.size() * 1024L, "feed bytes " + feed.bytes() + " for " + feed.size());
        assertTrue(agent.sink().local().rememberedTokens() <= delivered + 2,
                "remembered " + agent.sink().local().rememberedTokens() + ", deliveries " + delivered);
    }
}
