package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.HostileDialects;
import org.mailprobe.probes.token.TokenSigner;

/** Issue 13: stopping closes the watchers all at once, not one after another (11-15 s at 1,000 routes). */
@Timeout(120)
class WatchersCloseTest {
    private static final int WATCHERS = 8;

    @Test
    void watchersAreClosedAllAtOnce() throws Exception {
        try (LogoutHoldingImap server = new LogoutHoldingImap(WATCHERS)) {
            Watchers watchers = new Watchers(routes(server.port()), "test-agent", "probe.test",
                    new TokenSigner(TestConfigs.KEY), new ArrivalListener() {
                        @Override
                        public boolean onArrival(Arrival arrival) {
                            return false;
                        }
                    }, WatcherEvents.NONE, ProbeClock.system());
            watchers.start();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (watchers.all().stream().filter(ArrivalWatcher::healthy).count() < WATCHERS
                    && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(WATCHERS, watchers.all().stream().filter(ArrivalWatcher::healthy).count(),
                    "watchers connected");

            watchers.close();

            // The server answers a LOGOUT only once every watcher has sent one (or after 5 s): closed
            // one after another, each watcher gives up on its goodbye before the next one says it.
            assertEquals(WATCHERS, server.mostLogoutsWaiting(), "LOGOUTs waiting for their answer at once");
        }
    }

    private static List<RouteConfig> routes(int port) {
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, new ServerEndpoint("127.0.0.1", port,
                TlsMode.PLAIN), TlsPolicy.verified(), new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));
        ServerConfig smtp = new ServerConfig("smtp", Protocol.SMTP, new ServerEndpoint("127.0.0.1", 1,
                TlsMode.PLAIN), TlsPolicy.verified(), new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < WATCHERS; i++) {
            String address = "u" + i + "@example.test";
            AccountConfig account = new AccountConfig("u" + i, address, new Account(address, Secret.of("pw")));
            routes.add(new RouteConfig("r" + i, Leg.LOOP, account, smtp, account, Duration.ofMinutes(1),
                    Duration.ZERO, Duration.ofMinutes(5), List.of(new WatchConfig(AccessPath.IMAP, imap, account,
                            "INBOX", Duration.ofSeconds(2), true, true))));
        }
        return routes;
    }

    /**
     * A loopback IMAP server (the hostile servers' IMAP dialect, empty INBOX, IDLE) that holds every
     * LOGOUT's answer until {@code expected} LOGOUTs have come, or 5 s, and counts how many waited at once.
     */
    private static final class LogoutHoldingImap implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int expected;
        private final Object lock = new Object();
        private int arrived; // guarded by lock
        private int waiting; // guarded by lock
        private int mostWaiting; // guarded by lock

        LogoutHoldingImap(int expected) throws IOException {
            this.expected = expected;
            Thread acceptor = new Thread(this::accept, "logout-holding-imap");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int mostLogoutsWaiting() {
            synchronized (lock) {
                return mostWaiting;
            }
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    Thread t = new Thread(() -> serve(s), "logout-holding-imap-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            Function<String, String> dialect = HostileDialects.imap(false, 0, null, null);
            try (s) {
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                send(out, "* OK IMAP4rev1 ready");
                String line;
                while ((line = in.readLine()) != null) {
                    String[] words = line.split(" ", 3);
                    if (words.length > 1 && words[1].toUpperCase(Locale.ROOT).equals("LOGOUT")) {
                        holdLogout();
                        send(out, "* BYE\r\n" + words[0] + " OK bye");
                        return;
                    }
                    String reply = dialect.apply(line);
                    if (reply == null) {
                        return;
                    }
                    if (!reply.isEmpty()) {
                        send(out, reply.startsWith("!") ? reply.substring(1) : reply);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client went away, or the test ended
            }
        }

        private void holdLogout() throws InterruptedException {
            synchronized (lock) {
                arrived++;
                waiting++;
                mostWaiting = Math.max(mostWaiting, waiting);
                lock.notifyAll();
                long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                long left;
                while (arrived < expected && (left = end - System.nanoTime()) > 0) {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                waiting--;
            }
        }

        private static void send(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
