package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mailprobe.probes.testing.HostileServer.converse;
import static org.mailprobe.probes.testing.HostileServer.send;
import static org.mailprobe.probes.testing.HostileServer.stall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.HostileDialects;
import org.mailprobe.probes.testing.HostileServer;
import org.mailprobe.probes.testing.Watching;

/**
 * An agent closes its watchers all at once (issue 13: 1,000 closed one after another took 11-15 s).
 * A watcher's close touches only its own state and is bounded by {@link WatcherLoop#CLOSE_WAIT} in
 * all, even on a server that has gone silent in the middle of an IDLE (the DONE is never answered,
 * so each close waits its whole bound): twenty closed in parallel end within the test's timeout,
 * which twenty sequential waits would not.
 */
class WatcherCloseTest {
    static final int WATCHERS = 20;

    @Test
    @Timeout(25)
    void watchersOnASilentServerCloseInParallelEachWithinItsBound() throws Exception {
        Function<String, String> imap = HostileDialects.imap(false, 0, null, null);
        try (HostileServer server = HostileServer.lasting(Duration.ofMinutes(1), 4 * WATCHERS, // Angus: a store and a folder connection each
                send("* OK silent IMAP ready"),
                converse(line -> line.toUpperCase(Locale.ROOT).endsWith(" IDLE") ? "!+ idling" : imap.apply(line)),
                stall())) {
            List<ImapArrivalWatcher> watchers = new ArrayList<>();
            for (int i = 0; i < WATCHERS; i++) {
                ImapArrivalWatcher w = new ImapArrivalWatcher(new WatchSettings(new ServerEndpoint("localhost",
                        server.port(), TlsMode.PLAIN), new Account("probe" + i + "@example.test", Secret.of("x")),
                        TlsPolicy.verified(), new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(30)), "INBOX",
                        Duration.ofSeconds(1), Duration.ofMinutes(5), true, "agent.test", Watching.AGENT),
                        Watching.SIGNER, arrival -> false, ProbeClock.system());
                watchers.add(w);
                w.start();
            }
            for (ImapArrivalWatcher w : watchers) {
                Watching.await("watcher " + w.mailbox() + " to connect", w::healthy);
            }

            ExecutorService closers = Executors.newFixedThreadPool(WATCHERS);
            try {
                List<Future<?>> closed = new ArrayList<>();
                for (ImapArrivalWatcher w : watchers) {
                    closed.add(closers.submit(w::close));
                }
                for (Future<?> f : closed) {
                    f.get();
                }
            } finally {
                closers.shutdownNow();
            }

            assertEquals(WATCHERS, watchers.stream().filter(w -> !w.healthy()).count());
            assertFalse(watchers.get(0).healthy());
        }
    }
}
