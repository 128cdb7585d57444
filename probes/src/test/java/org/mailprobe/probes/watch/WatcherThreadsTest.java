package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;

/**
 * The watchers' threads (issue 13): one per watcher, of the kind the JVM does best (virtual from
 * Java 24, a small platform thread before), forced to platform by the system property, and no
 * thread per watcher besides. Run on Java 17 and on Java 25 to cover both kinds.
 */
@Timeout(30)
class WatcherThreadsTest {
    TestProvider provider;
    final List<ArrivalWatcher> watchers = new ArrayList<>();
    final AtomicReference<Thread> reportedOn = new AtomicReference<>();
    final Watching.Recorder recorder = new Watching.Recorder();
    final ArrivalListener listener = arrival -> {
        reportedOn.set(Thread.currentThread());
        return recorder.onArrival(arrival);
    };

    @BeforeEach
    void start() {
        provider = new TestProvider();
    }

    @AfterEach
    void stop() {
        System.clearProperty(WatcherThreads.PROPERTY);
        watchers.forEach(ArrivalWatcher::close);
        provider.close();
    }

    private ImapArrivalWatcher watch() throws Exception {
        ImapArrivalWatcher w = new ImapArrivalWatcher(Watching.settings(provider, provider.imap(), true),
                Watching.SIGNER, listener, ProbeClock.system());
        watchers.add(w);
        w.start();
        Watching.await("the watcher to connect", w::healthy);
        return w;
    }

    /** The thread the watcher reported a probe on: its own. */
    private Thread threadOfAProbe() throws Exception {
        Watching.Delivery d = Watching.sendProbe(provider, Watching.AGENT);
        recorder.awaitArrival(d.token());
        return reportedOn.get();
    }

    @Test
    void watcherRunsOnAPlatformThreadWhenForced() throws Exception {
        System.setProperty(WatcherThreads.PROPERTY, "platform");
        watch();

        Thread t = threadOfAProbe();

        assertFalse(WatcherThreads.isVirtual(t), t.toString());
        assertTrue(t.isDaemon());
        assertEquals("mailprobe-imap-" + TestProvider.USER, t.getName());
    }

    /**
     * Virtual from Java 24, platform before: one test for either JVM, so nothing is skipped on
     * Java 17 (the build's default) and the virtual path is proven by running the suite on 25.
     */
    @Test
    void watcherRunsOnTheKindOfThreadItsJavaDoesBest() throws Exception {
        boolean virtualExpected = Runtime.version().feature() >= WatcherThreads.UNPINNED_RELEASE;
        watch();

        Thread t = threadOfAProbe();

        assertEquals(virtualExpected, WatcherThreads.isVirtual(t), Runtime.version() + ": " + t);
        assertEquals("mailprobe-imap-" + TestProvider.USER, t.getName());
    }

    /** The IMAP watcher had a second thread of its own, its "waker"; the timers are shared now. */
    @Test
    void eachImapWatcherHasOneThreadOfItsOwn() throws Exception {
        System.setProperty(WatcherThreads.PROPERTY, "platform");
        for (int i = 0; i < 3; i++) {
            watch();
        }

        long own = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("mailprobe-imap-" + TestProvider.USER))
                .count();

        assertEquals(3, own);
    }
}
