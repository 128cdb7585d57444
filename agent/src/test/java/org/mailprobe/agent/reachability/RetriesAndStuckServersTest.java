package org.mailprobe.agent.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.ScriptedServer;
import org.mailprobe.probes.testing.TestProvider;

@Timeout(60)
class RetriesAndStuckServersTest {
    @TempDir
    Path stateDir;

    @Test
    void aSingleDroppedConnectionWithinTheRetryBudgetIsNoOutage() throws Exception {
        try (DropsFirstConnection server = new DropsFirstConnection();
                Checks checks = new Checks(stateDir, Checks.named(Checks.endpoint("mx", EndpointKind.SMTP,
                        local(server.port()), 2, Checks.INTERVAL)), Map.of(), List.of())) {
            assertTrue(Checks.await(Duration.ofSeconds(10), () -> checks.state("mx").equals("up")));

            String page = checks.registry.scrape();
            assertEquals(1.0, Scrapes.value(page, "mailprobe_reachability_retries_total", "endpoint=\"mx\""), page);
            assertEquals(0.0, checks.seconds("mx", Availability.DOWN));
            assertEquals(0.0, Scrapes.value(page, "mailprobe_reachability_checks_total", "result=\"failure\""), page);
        }
    }

    @Test
    void aSilentAndATricklingServerCostTheirOwnChecksAndNeverBlockTheOthers() throws Exception {
        try (TestProvider provider = new TestProvider();
                ScriptedServer silent = new ScriptedServer(null, line -> "");
                Trickler trickler = new Trickler();
                Checks checks = new Checks(stateDir, Checks.named(
                        Checks.endpoint("silent", EndpointKind.SMTP, local(silent.port()), 0, Checks.INTERVAL),
                        Checks.endpoint("trickle", EndpointKind.POP3, local(trickler.port()), 0, Checks.INTERVAL),
                        Checks.endpoint("good", EndpointKind.IMAP, provider.imap(), 0, Checks.INTERVAL)),
                        Map.of(), List.of())) {
            assertTrue(Checks.await(Duration.ofSeconds(15), () -> Scrapes.value(checks.registry.scrape(),
                    "mailprobe_reachability_checks_total", "endpoint=\"good\"", "reason=\"none\"") >= 4));

            String page = checks.registry.scrape();
            assertTrue(Scrapes.value(page, "mailprobe_reachability_checks_total", "endpoint=\"silent\"",
                    "reason=\"timeout\"") >= 1, page);
            assertTrue(Scrapes.value(page, "mailprobe_reachability_checks_total", "endpoint=\"trickle\"",
                    "reason=\"timeout\"") >= 1, page);
            assertEquals(0.0, Scrapes.value(page, "mailprobe_reachability_skipped_checks_total", "endpoint=\"good\""),
                    page);
            assertEquals("up", checks.state("good"));
            assertEquals("down", checks.state("silent"));
        }
    }

    static ServerEndpoint local(int port) {
        return new ServerEndpoint("127.0.0.1", port, TlsMode.PLAIN);
    }

    /** Drops its first connection at once, as a lost SYN-ACK or a reset would; greets every later one. */
    static final class DropsFirstConnection implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();

        DropsFirstConnection() throws IOException {
            Thread t = new Thread(this::serve, "drops-first");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    if (accepted.incrementAndGet() > 1) {
                        s.getOutputStream().write("220 mx.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        s.getInputStream().read();
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Sends one byte of a POP3 greeting per second to each client, never a whole line in time. */
    static final class Trickler implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        Trickler() throws IOException {
            Thread t = new Thread(this::serve, "trickler");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread each = new Thread(() -> trickle(s), "trickler-client");
                    each.setDaemon(true);
                    each.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }

        private static void trickle(Socket s) {
            try (s) {
                OutputStream out = s.getOutputStream();
                for (char c : "+OK slowly".toCharArray()) {
                    out.write(c);
                    out.flush();
                    Thread.sleep(1000);
                }
            } catch (IOException | InterruptedException e) {
                // the check hung up
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
