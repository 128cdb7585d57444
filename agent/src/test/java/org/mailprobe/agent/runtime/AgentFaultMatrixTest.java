package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.HostileServer.converse;
import static org.mailprobe.probes.testing.HostileServer.drop;
import static org.mailprobe.probes.testing.HostileServer.endlessLine;
import static org.mailprobe.probes.testing.HostileServer.expect;
import static org.mailprobe.probes.testing.HostileServer.send;
import static org.mailprobe.probes.testing.HostileServer.stall;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.HostileDialects;
import org.mailprobe.probes.testing.HostileServer;
import org.mailprobe.probes.testing.HostileServer.Step;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The fault matrix at the agent's level (issue 11): a real {@link Agent} with one healthy loop
 * route on GreenMail and one route through a hostile server. The hostile route's failures are
 * counted with the right reason, while the healthy route keeps succeeding and the agent's HTTP
 * endpoints keep answering. The probes module's {@code FaultMatrixTest} covers every cell; these
 * are the faults that reach the agent's scheduler and watchers.
 */
@Timeout(120)
class AgentFaultMatrixTest {
    static final String OTHER_USER = "other@example.test";
    static final Duration WITHIN = Duration.ofSeconds(60);

    /** A hostile server, and what the agent must count for it. */
    enum HostileCell {
        SUBMISSION_SILENT_AFTER_GREETING(true, "timeout",
                send("220 hostile.test ESMTP"), stall()),
        SUBMISSION_5XX_AT_RCPT(true, "rejected",
                send("220 hostile.test ESMTP"), converse(HostileDialects.smtp(false, "RCPT", "550 5.1.1 no such user"))),
        SUBMISSION_ENDLESS_LINE(true, "protocol",
                endlessLine("220 ", 4 << 20)),
        SUBMISSION_DROP_MID_DATA(true, "protocol",
                send("220 hostile.test ESMTP"), converse(HostileDialects.smtp(false, "DATA", "!354 go ahead")),
                expect(""), drop()),
        IMAP_WATCH_GREETING_BYE(false, "protocol",
                send("* BYE [UNAVAILABLE] busy"), stall()),
        IMAP_WATCH_SILENT_AFTER_GREETING(false, "timeout",
                send("* OK hostile IMAP ready"), stall()),
        IMAP_WATCH_DROP_MID_IDLE(false, "protocol",
                send("* OK hostile IMAP ready"), converse(idleThenDrop()), drop());

        final boolean submission;
        final String reason;
        final Step[] script;

        HostileCell(boolean submission, String reason, Step... script) {
            this.submission = submission;
            this.reason = reason;
            this.script = script;
        }
    }

    TestProvider provider;
    HostileServer hostile;
    Agent agent;

    @BeforeEach
    void start() {
        provider = new TestProvider();
        provider.greenMail().setUser(OTHER_USER, OTHER_USER, TestProvider.PASSWORD);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (hostile != null) {
            hostile.close();
        }
        provider.close();
    }

    @ParameterizedTest
    @EnumSource(HostileCell.class)
    void aHostileRouteIsCountedWithItsReasonWhileTheHealthyRouteAndTheEndpointsKeepWorking(HostileCell cell)
            throws Exception {
        hostile = HostileServer.plain(cell.script);
        agent = new Agent(config(cell), new InetSocketAddress("127.0.0.1", 0), outcome -> { }, ProbeClock.system());
        agent.start();
        String metrics = "http://" + agent.web().hostPort() + "/metrics";

        String page = Scrapes.until(metrics, WITHIN, p -> hostileCounted(p, cell) >= 2
                && Scrapes.value(p, "mailprobe_probes_total", "route=\"healthy\"", "result=\"success\"") >= 1);
        double healthyBefore = Scrapes.value(page, "mailprobe_probes_total", "route=\"healthy\"", "result=\"success\"");
        page = Scrapes.until(metrics, WITHIN, p -> Scrapes.value(p, "mailprobe_probes_total", "route=\"healthy\"",
                "result=\"success\"") >= healthyBefore + 2);

        assertTrue(hostileCounted(page, cell) >= 2, page);
        assertEquals(0, Scrapes.value(page, "mailprobe_probes_total", "route=\"healthy\"", "result=\"failure\""),
                "the healthy route never failed beside the hostile one:\n" + page);
        assertEquals(200, Scrapes.get("http://" + agent.web().hostPort() + "/-/healthy").statusCode());
        assertEquals(200, Scrapes.get("http://" + agent.web().hostPort() + "/-/ready").statusCode());
    }

    /** The hostile route's probe failures (submission cells) or its watcher's failures (watch cells) with the cell's reason. */
    private static double hostileCounted(String page, HostileCell cell) {
        String reason = "reason=\"" + cell.reason + "\"";
        return cell.submission
                ? Scrapes.value(page, "mailprobe_probes_total", "route=\"hostile\"", "result=\"failure\"", reason)
                : Scrapes.value(page, "mailprobe_watcher_failures_total", "path=\"imap\"", reason);
    }

    private AgentConfig config(HostileCell cell) {
        ServerEndpoint bad = new ServerEndpoint("localhost", hostile.port(), TlsMode.PLAIN);
        ServerConfig smtpOk = server("smtp-ok", Protocol.SMTP, provider.smtp());
        ServerConfig imapOk = server("imap-ok", Protocol.IMAP, provider.imap());
        ServerConfig badServer = server("bad", cell.submission ? Protocol.SMTP : Protocol.IMAP, bad);
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        for (ServerConfig s : List.of(smtpOk, imapOk, badServer)) {
            servers.put(s.name(), s);
        }
        AccountConfig probe = new AccountConfig("probe", TestProvider.USER, provider.account());
        AccountConfig other = new AccountConfig("other", OTHER_USER,
                new Account(OTHER_USER, Secret.of(TestProvider.PASSWORD)));
        RouteConfig healthy = route("healthy", probe, smtpOk, watch(imapOk, probe));
        // A submission cell submits through the hostile server; a watch cell submits for real and
        // watches the other mailbox on the hostile server.
        RouteConfig hostileRoute = cell.submission ? route("hostile", probe, badServer, watch(imapOk, probe))
                : route("hostile", other, smtpOk, watch(badServer, other));
        AgentIdentity identity = new AgentIdentity("test-agent", "test-site", new TokenSigner(TestConfigs.KEY),
                "probe.test");
        return new AgentConfig(null, identity, servers, Map.of(probe.name(), probe, other.name(), other),
                List.of(healthy, hostileRoute));
    }

    private static ServerConfig server(String name, Protocol protocol, ServerEndpoint endpoint) {
        return new ServerConfig(name, protocol, endpoint, TestProvider.trusted(), TestProvider.FAST);
    }

    private static WatchConfig watch(ServerConfig server, AccountConfig account) {
        return new WatchConfig(AccessPath.IMAP, server, account, "INBOX", Duration.ofMillis(300), true, true);
    }

    private static RouteConfig route(String name, AccountConfig account, ServerConfig submit, WatchConfig watch) {
        return new RouteConfig(name, Leg.LOOP, account, submit, account, Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofSeconds(10), List.of(watch));
    }

    private static Function<String, String> idleThenDrop() {
        Function<String, String> imap = HostileDialects.imap(false, 0, null, null);
        return line -> line.toUpperCase(Locale.ROOT).endsWith(" IDLE") ? "!+ idling" : imap.apply(line);
    }
}
