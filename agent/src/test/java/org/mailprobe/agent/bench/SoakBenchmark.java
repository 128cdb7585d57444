package org.mailprobe.agent.bench;

import static org.mailprobe.probes.testing.HostileServer.converse;
import static org.mailprobe.probes.testing.HostileServer.drop;
import static org.mailprobe.probes.testing.HostileServer.endlessLine;
import static org.mailprobe.probes.testing.HostileServer.expect;
import static org.mailprobe.probes.testing.HostileServer.hugeLiteral;
import static org.mailprobe.probes.testing.HostileServer.rotating;
import static org.mailprobe.probes.testing.HostileServer.send;
import static org.mailprobe.probes.testing.HostileServer.stall;
import static org.mailprobe.probes.testing.HostileServer.trickle;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.EndpointConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.ServiceConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.runtime.Agent;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.mailprobe.probes.testing.HostileDialects;
import org.mailprobe.probes.testing.HostileServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The soak benchmark (docs/BENCHMARKS.md, "Benchmark: soak against hostile servers"): one real {@link Agent}
 * for {@code minutes} (default 30) against a mixture of a healthy GreenMail provider and hostile
 * servers from {@link HostileServer}, at an accelerated schedule (a probe per route every 3 s,
 * reachability checks every second). Every minute it prints the process's RSS (from /proc), the
 * heap used after a full collection, the thread count and the open file descriptors, and the
 * probes and checks done; at the end, the threads alive by name. Figures are printed, never
 * asserted: flat lines are the claim.
 *
 * <p>Arguments: {@code [minutes] [report-seconds]}.
 */
public final class SoakBenchmark {
    /** How fast the flooding servers send: fast enough to hit a bound at once, not to swamp the machine. */
    private static final int FLOOD_RATE = 4 * 1024 * 1024;
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(3);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final String OTHER_USER = "other@example.test";

    private SoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        Duration length = Duration.ofMinutes(args.length > 0 ? Long.parseLong(args[0]) : 30);
        Duration every = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        Path stateDir = Files.createTempDirectory("mailprobe-soak");
        try (TestProvider provider = new TestProvider();
                HostileServer smtpBad = hostileSmtp(length);
                HostileServer imapBad = hostileImap(length)) {
            provider.greenMail().setUser(OTHER_USER, OTHER_USER, TestProvider.PASSWORD);
            int refused = HostileServer.refusedPort();
            AgentConfig config = config(provider, smtpBad.port(), imapBad.port(), refused, stateDir);
            try (Agent agent = new Agent(config, new InetSocketAddress("127.0.0.1", 0), outcome -> { }, ProbeClock.system())) {
                agent.start();
                System.out.printf(Locale.ROOT, "Soak benchmark: %d min, probes every %d s on 3 routes (1 healthy, 2 "
                        + "hostile), checks every %d s on 6 endpoints (3 healthy, 3 hostile)%n", length.toMinutes(),
                        PROBE_INTERVAL.toSeconds(), CHECK_INTERVAL.toSeconds());
                System.out.println("  minute   RSS MiB  heap-after-GC MiB  threads  fds   probes  checks  /-/healthy");
                long start = System.nanoTime();
                long end = start + length.toNanos();
                report(agent, 0);
                for (long next = start + every.toNanos(); next <= end; next += every.toNanos()) {
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                    report(agent, Duration.ofNanos(System.nanoTime() - start).toSeconds() / 60.0);
                }
                System.out.println("  threads alive at the end, by name (digits folded):");
                threadsByName().forEach((name, n) -> System.out.printf(Locale.ROOT, "    %4d  %s%n", n, name));
                System.out.printf(Locale.ROOT, "  probes done: %s%n  checks done: %s%n  hostile connections served: "
                        + "smtp %d, imap %d%n", probes(agent), checks(agent), smtpBad.connections(),
                        imapBad.connections());
            }
        }
    }

    private static void report(Agent agent, double minute) throws IOException, InterruptedException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        }
        System.out.printf(Locale.ROOT, "  %6.1f  %8.1f  %17.1f  %7d  %4d  %7.0f  %6.0f  %d%n", minute, rssMiB(),
                heap / 1048576.0, threads, fds, probes(agent), checks(agent), healthy(agent));
    }

    private static double rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
    }

    private static double probes(Agent agent) {
        return agent.registry().find("mailprobe.probes").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double checks(Agent agent) {
        return agent.registry().find("mailprobe.reachability.checks").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static int healthy(Agent agent) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://" + agent.web().hostPort() + "/-/healthy"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Map<String, Integer> threadsByName() {
        Map<String, Integer> names = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.merge(t.getName().replaceAll("\\d+", "N"), 1, Integer::sum);
        }
        return names;
    }

    /** SMTP that misbehaves differently on each connection. */
    private static HostileServer hostileSmtp(Duration length) throws IOException {
        String greeting = "220 hostile.test ESMTP";
        return HostileServer.lasting(length.plusMinutes(1), Integer.MAX_VALUE, rotating(
                HostileServer.all(send(greeting), stall()),
                HostileServer.all(send("554 5.3.2 no service"), stall()),
                HostileServer.all(send(greeting), converse(HostileDialects.smtp(false, "RCPT", "550 5.1.1 no such user"))),
                HostileServer.all(send(greeting), converse(HostileDialects.smtp(false, "DATA", "!354 go ahead")),
                        expect(""), drop()),
                endlessLine("220 ", 1 << 20),
                HostileServer.all(trickle(greeting, 1), stall())));
    }

    /** IMAP that misbehaves differently on each connection, the unbounded reads of issue 11 included. */
    private static HostileServer hostileImap(Duration length) throws IOException {
        String greeting = "* OK hostile IMAP ready";
        Function<String, String> imap = HostileDialects.imap(false, 0, null, null);
        return HostileServer.lasting(length.plusMinutes(1), Integer.MAX_VALUE, rotating(
                HostileServer.all(send(greeting), stall()),
                HostileServer.all(send("* BYE [UNAVAILABLE] busy"), stall()),
                HostileServer.all(send(greeting), converse(HostileDialects.imap(false, 0, "LOGIN",
                        "NO [AUTHENTICATIONFAILED] no"))),
                HostileServer.all(send(greeting), converse(line -> line.toUpperCase(Locale.ROOT).endsWith(" IDLE")
                        ? "!+ idling" : imap.apply(line)), drop()),
                HostileServer.all(trickle(greeting, 1), stall()),
                endlessLine("* OK ", FLOOD_RATE),
                hugeLiteral("* OK", 1_900_000_000L, FLOOD_RATE)));
    }

    private static AgentConfig config(TestProvider provider, int smtpBad, int imapBad, int refused, Path stateDir) {
        ServerConfig smtpOk = server("smtp-ok", Protocol.SMTP, provider.smtp());
        ServerConfig imapOk = server("imap-ok", Protocol.IMAP, provider.imap());
        ServerConfig pop3Ok = server("pop3-ok", Protocol.POP3, provider.pop3());
        ServerConfig smtpHostile = server("smtp-bad", Protocol.SMTP, local(smtpBad));
        ServerConfig imapHostile = server("imap-bad", Protocol.IMAP, local(imapBad));
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        for (ServerConfig s : List.of(smtpOk, imapOk, pop3Ok, smtpHostile, imapHostile)) {
            servers.put(s.name(), s);
        }
        AccountConfig probe = new AccountConfig("probe", TestProvider.USER, provider.account());
        AccountConfig other = new AccountConfig("other", OTHER_USER,
                new Account(OTHER_USER, Secret.of(TestProvider.PASSWORD)));
        List<RouteConfig> routes = new ArrayList<>();
        routes.add(route("healthy", probe, smtpOk, List.of(watch(AccessPath.IMAP, imapOk, probe),
                watch(AccessPath.POP3, pop3Ok, probe))));
        routes.add(route("hostile-submission", probe, smtpHostile, List.of(watch(AccessPath.IMAP, imapOk, probe))));
        // Its probes reach GreenMail but are watched only on the hostile IMAP server: each is lost at
        // its timeout and stays in GreenMail (in this JVM: about 2 KiB a probe).
        routes.add(route("hostile-watch", other, smtpOk, List.of(watch(AccessPath.IMAP, imapHostile, other))));
        Map<String, EndpointConfig> endpoints = new LinkedHashMap<>();
        endpoints.put("smtp-ok", endpoint("smtp-ok", EndpointKind.SMTP, provider.smtp()));
        endpoints.put("imap-ok", endpoint("imap-ok", EndpointKind.IMAP, provider.imap()));
        endpoints.put("pop3-ok", endpoint("pop3-ok", EndpointKind.POP3, provider.pop3()));
        endpoints.put("smtp-bad", endpoint("smtp-bad", EndpointKind.SMTP, local(smtpBad)));
        endpoints.put("imap-bad", endpoint("imap-bad", EndpointKind.IMAP, local(imapBad)));
        endpoints.put("refused", endpoint("refused", EndpointKind.TCP, local(refused)));
        ReachabilityConfig reachability = new ReachabilityConfig(stateDir, 8, endpoints,
                Map.of("mail", new ServiceConfig("mail", List.copyOf(endpoints.keySet()), ServiceConfig.DownWhen.ANY)),
                Map.of(), List.of(), null);
        AgentIdentity identity = new AgentIdentity("soak-agent", "soak-site",
                new TokenSigner("soak-key-soak-key-soak-key-01234".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                "probe.test");
        return new AgentConfig(null, identity, servers, Map.of(probe.name(), probe, other.name(), other), routes,
                reachability);
    }

    private static ServerEndpoint local(int port) {
        return new ServerEndpoint("localhost", port, TlsMode.PLAIN);
    }

    private static ServerConfig server(String name, Protocol protocol, ServerEndpoint endpoint) {
        return new ServerConfig(name, protocol, endpoint, TestProvider.trusted(), TestProvider.FAST);
    }

    private static WatchConfig watch(AccessPath path, ServerConfig server, AccountConfig account) {
        return new WatchConfig(path, server, account, "INBOX", Duration.ofMillis(500), path == AccessPath.IMAP, true);
    }

    private static RouteConfig route(String name, AccountConfig account, ServerConfig submit, List<WatchConfig> watches) {
        return new RouteConfig(name, Leg.LOOP, account, submit, account, PROBE_INTERVAL, Duration.ZERO,
                Duration.ofSeconds(20), watches);
    }

    private static EndpointConfig endpoint(String name, EndpointKind kind, ServerEndpoint where) {
        ReachabilitySettings check = new ReachabilitySettings(kind, where, TestProvider.trusted(), TestProvider.FAST,
                null, "/", Set.of(200), "probe.test");
        return new EndpointConfig(name, check, CHECK_INTERVAL, Duration.ofSeconds(3), 0, true);
    }
}
