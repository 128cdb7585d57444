package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Issue 13: on a 1,000-route start every route's first probe is sent in the first cycle. Starting
 * 1,000 watchers takes seconds, and probes due meanwhile used to be skipped as misfires (566-626
 * of the first 1,000), each then sent one interval late, among other routes' second probes.
 */
@Timeout(300)
class FirstCycleTest {
    private static final int ROUTES = 1000;
    private static final Duration INTERVAL = Duration.ofSeconds(60);

    @Test
    void everyRoutesFirstProbeIsSentOnAThousandRouteStart(@TempDir Path dir) throws Exception {
        GreenMail greenMail = new GreenMail(new ServerSetup[] {setup("smtp"), setup("imap")});
        greenMail.start();
        Agent agent = null;
        try {
            for (int i = 0; i < ROUTES; i++) {
                greenMail.setUser(address(i), address(i), "pw");
            }
            agent = new Agent(config(dir, greenMail.getSmtp().getPort(), greenMail.getImap().getPort()),
                    new InetSocketAddress("127.0.0.1", 0), figures -> { }, ProbeClock.system());
            agent.start();
            // Two intervals (plus the watchers' start) are enough for every route's first probe even
            // if one cycle were lost; the order below tells whether it was.
            long end = System.nanoTime() + INTERVAL.multipliedBy(2).plus(Defaults.WATCHERS_READY_WAIT).toNanos();
            List<Started> started = started(dir);
            while (started.size() < ROUTES && System.nanoTime() < end) {
                Thread.sleep(1000);
                started = started(dir);
            }
            Set<String> routes = new HashSet<>();
            started.forEach(s -> routes.add(s.route));
            assertEquals(ROUTES, routes.size(), "routes that sent a probe within two intervals");

            // No route probes twice before every route has probed once. The probes at the seam of the
            // first and second cycle may start a few ms out of order; at most 1% is allowed for that.
            started.sort(Comparator.comparing(s -> s.at));
            Set<String> firstThousand = new HashSet<>();
            started.subList(0, ROUTES).forEach(s -> firstThousand.add(s.route));
            assertTrue(firstThousand.size() >= ROUTES * 99 / 100, "the first " + ROUTES
                    + " probes came from only " + firstThousand.size() + " routes: the others' first probes were "
                    + "skipped and sent a cycle late");
        } finally {
            if (agent != null) {
                agent.close();
            }
            greenMail.stop();
        }
    }

    /** Every probe whose submission started, by route: accepted ones and refused ones. */
    private static List<Started> started(Path dir) throws IOException {
        Map<String, Started> byProbe = new LinkedHashMap<>();
        Journal.read(dir, l -> {
            JsonNode r = l.record();
            String type = r.path("type").asText();
            boolean refused = type.equals("probe") && r.path("accepted").isNull() && !r.path("started").isNull();
            if (type.equals("submitted") || refused) {
                byProbe.putIfAbsent(r.path("probe").asText(), new Started(r.path("route").asText(),
                        Instant.parse(r.path("started").asText())));
            }
        });
        return new ArrayList<>(byProbe.values());
    }

    private record Started(String route, Instant at) {}

    private static AgentConfig config(Path dir, int smtpPort, int imapPort) {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));
        ServerConfig smtp = new ServerConfig("smtp", Protocol.SMTP, new ServerEndpoint("127.0.0.1", smtpPort,
                TlsMode.PLAIN), TlsPolicy.verified(), timeouts);
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, new ServerEndpoint("127.0.0.1", imapPort,
                TlsMode.PLAIN), TlsPolicy.verified(), timeouts);
        Map<String, AccountConfig> accounts = new LinkedHashMap<>();
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < ROUTES; i++) {
            AccountConfig account = new AccountConfig("u" + i, address(i), new Account(address(i), Secret.of("pw")));
            accounts.put(account.name(), account);
            // IMAP without IDLE, polled once a minute: connecting 1,000 watchers takes seconds, as
            // with IDLE, but between polls they cost little, so that 1,000 of them and GreenMail fit
            // beside the agent on a loaded machine. Nothing here depends on when a probe is seen.
            WatchConfig watch = new WatchConfig(AccessPath.IMAP, imap, account, "INBOX", INTERVAL, false, true);
            // No jitter: with it, the first and second cycles overlap by design and the order tells nothing.
            routes.add(new RouteConfig("r" + i, Leg.LOOP, account, smtp, account, INTERVAL, Duration.ZERO,
                    Duration.ofMinutes(5), List.of(watch)));
        }
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        servers.put(smtp.name(), smtp);
        servers.put(imap.name(), imap);
        return new AgentConfig(null, new AgentIdentity("test-agent", "test-site", new TokenSigner(TestConfigs.KEY),
                "probe.test"), servers, accounts, routes, ReachabilityConfig.NONE, new JournalConfig(dir,
                        Defaults.JOURNAL_ROTATION, Defaults.JOURNAL_RETENTION, Duration.ofSeconds(1)));
    }

    private static String address(int i) {
        return "u" + i + "@bench.test";
    }

    private static ServerSetup setup(String protocol) {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(30_000);
        return setup;
    }
}
