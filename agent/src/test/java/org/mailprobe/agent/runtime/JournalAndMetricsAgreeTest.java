package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.store.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.SinkConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.config.WebmailConfig;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.FakeRoundcube;
import org.mailprobe.probes.testing.HoldingRelay;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * After a run with every leg (loop, send, receive) and path (IMAP, POP3, webmail, sink), per route
 * and path the journal's delays and the delay histogram's count and sum are the same figures.
 */
@Timeout(180)
class JournalAndMetricsAgreeTest {
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    <T extends AutoCloseable> T closing(T c) {
        closing.add(c);
        return c;
    }

    @Test
    void journalDelaysAndHistogramCountAndSumAgreePerRouteAndPath(@TempDir Path dir) throws Exception {
        TestProvider provider = closing(new TestProvider());
        FakeRoundcube roundcube = closing(new FakeRoundcube(TestProvider.USER, TestProvider.PASSWORD, true));
        roundcube.mirror(() -> inbox(provider));
        int sinkPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            sinkPort = free.getLocalPort();
        }
        HoldingRelay relay = closing(new HoldingRelay(sinkPort, token -> Duration.ofMillis(200)));

        ServerConfig smtp = new ServerConfig("smtp", Protocol.SMTP, provider.smtp(), TestProvider.trusted(),
                TestProvider.FAST);
        ServerConfig relaySmtp = new ServerConfig("relay", Protocol.SMTP, new ServerEndpoint("localhost", relay.port(),
                TlsMode.PLAIN), TestProvider.trusted(), TestProvider.FAST);
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, provider.imap(), TestProvider.trusted(),
                TestProvider.FAST);
        ServerConfig pop3 = new ServerConfig("pop3", Protocol.POP3, provider.pop3(), TestProvider.trusted(),
                TestProvider.FAST);
        ServerConfig web = new ServerConfig("web", Protocol.WEBMAIL, WebmailSettings.endpointOf(roundcube.url()),
                TestProvider.trusted(), TestProvider.FAST,
                new WebmailConfig(roundcube.url(), WebmailSettings.Driver.ROUNDCUBE, null));
        AccountConfig account = new AccountConfig("probe", TestProvider.USER, provider.account());
        List<WatchConfig> watches = List.of(
                new WatchConfig(AccessPath.IMAP, imap, account, "INBOX", Duration.ofMillis(300), true, true),
                new WatchConfig(AccessPath.POP3, pop3, account, "INBOX", Duration.ofMillis(300), false, true),
                new WatchConfig(AccessPath.WEBMAIL, web, account, "INBOX", Duration.ofMillis(300), false, false));
        RouteConfig loop = new RouteConfig("loop-test", Leg.LOOP, account, smtp, account, Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(20), watches);
        RouteConfig receive = new RouteConfig("receive-test", Leg.RECEIVE, null, null, account,
                Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(20), watches, "agent@probe.test",
                TestProvider.USER, new DirectDeliveryConfig(new ServerConfig("mx", Protocol.SMTP, new ServerEndpoint(
                        "localhost", provider.smtp().port(), TlsMode.STARTTLS), TestProvider.trusted(),
                        TestProvider.FAST), false, "probe.test", TestProvider.trusted(), TestProvider.FAST), null);
        RouteConfig send = new RouteConfig("send-test", Leg.SEND, account, relaySmtp, null, Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(20), List.of(), "agent@probe.test", "probe@sink.test", null, null);
        SinkConfig sink = new SinkConfig(new InetSocketAddress("127.0.0.1", sinkPort), null, "sink.test",
                List.of("sink.test"), null, null, Defaults.SINK_MAX_MESSAGE_BYTES, Defaults.SINK_MAX_CONNECTIONS,
                Defaults.SINK_CONNECTION_TIMEOUT);
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        List.of(smtp, relaySmtp, imap, pop3, web).forEach(s -> servers.put(s.name(), s));
        AgentConfig config = new AgentConfig(null, new AgentIdentity("test-agent", "test-site",
                new TokenSigner(TestConfigs.KEY), "probe.test"), servers, Map.of(account.name(), account),
                List.of(loop, receive, send), ReachabilityConfig.NONE, new JournalConfig(dir, Defaults.JOURNAL_ROTATION,
                        Defaults.JOURNAL_RETENTION, Defaults.JOURNAL_FSYNC_INTERVAL), sink);

        Agent agent = new Agent(config, new InetSocketAddress("127.0.0.1", 0), figures -> { }, ProbeClock.system());
        agent.start();
        Scrapes.until("http://" + agent.web().hostPort() + "/metrics", Duration.ofSeconds(120), p ->
                Scrapes.value(p, "mailprobe_probes_total", "route=\"loop-test\"", "result=\"success\"") >= 3
                        && Scrapes.value(p, "mailprobe_probes_total", "route=\"receive-test\"", "result=\"success\"") >= 3
                        && Scrapes.value(p, "mailprobe_probes_total", "route=\"send-test\"", "result=\"success\"") >= 3);
        agent.close(); // nothing changes either side after this
        String page = agent.metricsText();

        Map<String, long[]> journal = new TreeMap<>(); // route|path|leg -> {count, sum ms}
        Journal.read(dir, l -> {
            JsonNode r = l.record();
            if (!r.path("type").asText().equals("probe")) {
                return;
            }
            for (JsonNode p : r.path("paths")) {
                if (p.has("delay_ms")) {
                    long[] a = journal.computeIfAbsent(r.path("route").asText() + "|" + p.path("path").asText() + "|"
                            + p.path("leg").asText(r.path("leg").asText()), k -> new long[2]);
                    a[0]++;
                    a[1] += p.path("delay_ms").asLong();
                }
            }
        });
        for (String expected : List.of("loop-test|imap|loop", "loop-test|pop3|loop", "loop-test|webmail|loop",
                "receive-test|imap|receive", "receive-test|pop3|receive", "receive-test|webmail|receive",
                "send-test|sink|send")) {
            assertTrue(journal.containsKey(expected) && journal.get(expected)[0] >= 1,
                    "no delay journaled for " + expected + ": " + journal.keySet());
        }
        for (Map.Entry<String, long[]> e : journal.entrySet()) {
            String[] k = e.getKey().split("\\|");
            String[] labels = {"route=\"" + k[0] + "\"", "path=\"" + k[1] + "\"", "leg=\"" + k[2] + "\""};
            double count = Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", labels);
            double sum = Scrapes.value(page, "mailprobe_delivery_delay_seconds_sum", labels);
            assertEquals(e.getValue()[0], (long) count, e.getKey() + " count\n" + page);
            assertEquals(e.getValue()[1], Math.round(sum * 1000), e.getKey() + " sum, ms\n" + page);
        }
    }

    private static Map<Long, String> inbox(TestProvider provider) {
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
}
