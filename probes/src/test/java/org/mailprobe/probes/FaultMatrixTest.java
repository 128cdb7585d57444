package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailprobe.probes.FaultMatrix.Cell;
import org.mailprobe.probes.FaultMatrix.Fault;
import org.mailprobe.probes.FaultMatrix.Outcome;
import org.mailprobe.probes.FaultMatrix.Target;
import org.mailprobe.probes.reachability.ReachabilityCheck;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.mailprobe.probes.sink.ProbeSink;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.sink.SinkListener;
import org.mailprobe.probes.sink.SinkRefusal;
import org.mailprobe.probes.submit.MxDeliveryProbe;
import org.mailprobe.probes.submit.MxDeliverySettings;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.HostileServer;
import org.mailprobe.probes.testing.SinkProbes;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;
import org.mailprobe.probes.watch.WatchSettings;
import org.mailprobe.probes.watch.WebmailArrivalWatcher;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * The fault matrix (issue 11): every probe, watcher and check against every hostile server the
 * {@link HostileServer} harness plays, and the sink against hostile clients. Each cell must end in
 * its closed verdict before its own deadline plus {@link #MARGIN}, leave the heap bounded, and
 * leave a healthy GreenMail route working. The run's table goes to {@code target/fault-matrix.md};
 * {@link #documentedTableAgreesWithThisRun} keeps the copy in docs/SECURITY.md honest
 * ({@code -Dfault.matrix.update=true} rewrites it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class FaultMatrixTest {
    /** Short timeouts so the whole matrix runs in about a minute; the deadline of a probe or check. */
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(1500));
    static final Duration DEADLINE = Duration.ofSeconds(2);
    /** A watcher has no overall deadline: a command's connect and read timeout bound it. */
    static final Duration WATCHER_DEADLINE = TIMEOUTS.connect().plus(TIMEOUTS.read());
    /** What a verdict may take beyond its deadline on a loaded machine (a behaviour bound, not a benchmark). */
    static final Duration MARGIN = Duration.ofMillis(2500);
    /** How much a cell may leave on the heap, or have in the old generation at its peak. */
    static final long HEAP_BOUND = 64L << 20;
    /** Bytes per second for endless lines and answers: fast enough to hurt, slow enough not to hurt this JVM. */
    static final int FLOOD_RATE = 4 << 20;
    /** The sink's limits here: a read may wait 1.5 s (so a byte a second is not idle), a connection lives 2 s. */
    static final Duration SINK_READ_TIMEOUT = Duration.ofMillis(1500);
    static final Duration SINK_LIFETIME = Duration.ofSeconds(2);
    static final String GREETING_SMTP = "220 hostile.test ESMTP";
    static final String GREETING_IMAP = "* OK hostile IMAP ready";
    static final String GREETING_POP3 = "+OK hostile POP3 ready";

    static TestProvider provider;
    static ImapArrivalWatcher healthyWatcher;
    static final Watching.Recorder healthySeen = new Watching.Recorder();
    static ProbeSink sink;
    static final List<SinkRefusal> sinkRefusals = new CopyOnWriteArrayList<>();
    static final List<SinkDelivery> sinkDeliveries = new CopyOnWriteArrayList<>();
    static final Map<Cell, Outcome> results = new ConcurrentHashMap<>();
    /** The sink accepts each probe token once, so every genuine delivery after a hostile client is a new probe. */
    static final AtomicLong sinkSequence = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        provider = new TestProvider();
        healthyWatcher = new ImapArrivalWatcher(Watching.settings(provider, provider.imap(), true), Watching.SIGNER,
                healthySeen, ProbeClock.system());
        healthyWatcher.start();
        SSLContext tls = ServerTls.fromPkcs12(TestCa.get().serverKeyStore(), Secret.of(TestCa.PASSWORD));
        sink = new ProbeSink(SinkProbes.settings().withTls(tls, false)
                .withLimits(64 * 1024, 20, SINK_READ_TIMEOUT, SINK_LIFETIME), SinkProbes.SIGNER,
                new SinkListener() {
                    @Override
                    public void delivered(SinkDelivery delivery) {
                        sinkDeliveries.add(delivery);
                    }

                    @Override
                    public void refused(SinkRefusal reason, String peer) {
                        sinkRefusals.add(reason);
                    }
                }, ProbeClock.system());
        sink.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (healthyWatcher != null) {
            healthyWatcher.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (provider != null) {
            provider.close();
        }
        Map<Cell, Outcome> ordered = FaultMatrix.ordered(results);
        if (!ordered.isEmpty()) {
            FaultMatrix.write(Path.of("target", "fault-matrix.md"), FaultMatrix.table(ordered));
        }
    }

    /** All cells; {@code -Dfault.matrix.cells=regex} runs only those whose name matches (while working on one). */
    static List<Cell> cells() {
        String only = System.getProperty("fault.matrix.cells", "");
        return FaultMatrix.cells().stream().filter(c -> only.isEmpty() || c.toString().matches(only)).toList();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void cellEndsInItsVerdictInTimeWithTheHeapBoundedAndTheHealthyRouteWorking(Cell cell) throws Exception {
        Heap heap = Heap.before();
        Outcome outcome;
        if (cell.target() == Target.SINK) {
            outcome = sinkCell(cell);
        } else {
            outcome = serverCell(cell);
        }
        results.put(cell, outcome);

        assertEquals(cell.expected(), outcome.verdict(), cell + " ended in the wrong verdict");
        Duration bound = (cell.target().watcher() ? WATCHER_DEADLINE : cell.target() == Target.SINK
                ? SINK_LIFETIME : DEADLINE).plus(MARGIN);
        assertTrue(outcome.elapsed().compareTo(bound) <= 0, cell + " took " + outcome.elapsed().toMillis()
                + " ms, more than " + bound.toMillis() + " ms");
        healthyRouteStillWorks(cell.target());
        long[] grown = heap.grown();
        assertTrue(grown[0] < HEAP_BOUND, cell + " left " + (grown[0] >> 20) + " MiB more on the heap");
        assertTrue(grown[1] < HEAP_BOUND, cell + " took the old generation " + (grown[1] >> 20) + " MiB above its start");
        results.put(cell, new Outcome(outcome.verdict(), outcome.elapsed(), true));
    }

    @Order(2)
    @Test
    void documentedTableAgreesWithThisRun() throws IOException {
        Map<Cell, Outcome> ordered = FaultMatrix.ordered(results);
        org.junit.jupiter.api.Assumptions.assumeTrue(ordered.size() == FaultMatrix.cells().size(),
                "only part of the matrix ran; docs/SECURITY.md is compared after a whole run");
        String table = FaultMatrix.table(ordered);
        Path doc = Path.of("..", "docs", "SECURITY.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        if (Boolean.getBoolean("fault.matrix.update")) {
            Files.writeString(doc, FaultMatrix.withTable(text, table), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(FaultMatrix.verdictsOnly(table), FaultMatrix.verdictsOnly(FaultMatrix.documentedTable(text)),
                "docs/SECURITY.md's fault matrix differs from this run; rewrite it with deploy/dev/update-fault-matrix");
    }

    // ---- the server side: probes, checks and watchers against a hostile server ----------------

    private Outcome serverCell(Cell cell) throws Exception {
        Target t = cell.target();
        Fault f = cell.fault();
        TlsMode mode = tlsMode(t, f);
        HostileServer server = f == Fault.REFUSED ? null : FaultMatrixServers.server(t, f);
        int port = server == null ? HostileServer.refusedPort() : server.port();
        try {
            if (t.watcher()) {
                return watch(t, port, mode, server);
            }
            long started = System.nanoTime();
            Reason reason = probe(t, f, new ServerEndpoint("localhost", port, mode));
            return new Outcome(reason.label(), Duration.ofNanos(System.nanoTime() - started), false);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static TlsMode tlsMode(Target t, Fault f) {
        switch (f) {
            case TLS_HANDSHAKE:
            case UNTRUSTED_CERTIFICATE:
            case WRONG_HOST_NAME:
            case EXPIRED_CERTIFICATE:
                return t == Target.WEBMAIL ? TlsMode.IMPLICIT : TlsMode.STARTTLS;
            case STARTTLS_NOT_OFFERED:
            case STARTTLS_REFUSED:
            case STARTTLS_4XX:
            case STARTTLS_5XX:
                return TlsMode.STARTTLS;
            default:
                // The receive leg's MX always speaks STARTTLS when offered; our servers offer it only above.
                return t == Target.MX ? TlsMode.STARTTLS : TlsMode.PLAIN;
        }
    }

    private Reason probe(Target t, Fault f, ServerEndpoint endpoint) {
        Instant deadline = ProbeClock.system().now().plus(DEADLINE);
        ProbeToken token = Watching.token(Watching.AGENT);
        Account account = new Account("probe@example.test", Secret.of("hostile-secret"));
        switch (t) {
            case SUBMISSION:
                return new SubmissionProbe(new SubmissionSettings(endpoint, account, TestProvider.trusted(), TIMEOUTS,
                        "agent.test"), Watching.SIGNER, ProbeClock.system()).submit("probe@example.test", "probe@example.test", token,
                        deadline).reason();
            case MX:
                boolean required = f == Fault.STARTTLS_NOT_OFFERED;
                return new MxDeliveryProbe(MxDeliverySettings.toHost("localhost", endpoint.port(), "agent.test")
                        .withTls(TestProvider.trusted(), required).withTimeouts(TIMEOUTS), Watching.SIGNER, ProbeClock.system())
                        .deliver("agent@example.test", "probe@example.test", token, deadline).delivery().reason();
            default:
                EndpointKind kind = t == Target.REACH_SMTP ? EndpointKind.SMTP
                        : t == Target.REACH_IMAP ? EndpointKind.IMAP : EndpointKind.POP3;
                return new ReachabilityCheck(new ReachabilitySettings(kind, endpoint, TestProvider.trusted(), TIMEOUTS,
                        account, null, null, "agent.test"), ProbeClock.system()).check(deadline).reason();
        }
    }

    /** Starts the watcher and waits for its first reported failure; the verdict is that failure's reason. */
    private Outcome watch(Target t, int port, TlsMode mode, HostileServer server) throws Exception {
        Watching.Recorder recorder = new Watching.Recorder();
        Account account = new Account("probe@example.test", Secret.of("hostile-secret"));
        ArrivalWatcher watcher;
        if (t == Target.WEBMAIL) {
            URI url = URI.create((mode == TlsMode.IMPLICIT ? "https" : "http") + "://localhost:" + port + "/");
            watcher = new WebmailArrivalWatcher(new WebmailSettings(url, WebmailSettings.Driver.ROUNDCUBE, null,
                    account, TestProvider.trusted(), TIMEOUTS, "INBOX", Duration.ofMillis(200), "agent.test",
                    Watching.AGENT), Watching.SIGNER, recorder, ProbeClock.system());
        } else {
            WatchSettings settings = new WatchSettings(new ServerEndpoint("localhost", port, mode), account,
                    TestProvider.trusted(), TIMEOUTS, "INBOX", Duration.ofMillis(200), Duration.ofSeconds(60), true,
                    "agent.test", Watching.AGENT, true);
            watcher = t == Target.IMAP ? new ImapArrivalWatcher(settings, Watching.SIGNER, recorder, ProbeClock.system())
                    : new Pop3ArrivalWatcher(settings, Watching.SIGNER, recorder, ProbeClock.system());
        }
        long started = System.nanoTime();
        long limit = started + WATCHER_DEADLINE.plus(MARGIN).toNanos();
        try {
            watcher.start();
            while (recorder.failures.isEmpty() && System.nanoTime() - limit < 0) {
                Thread.sleep(10);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            String verdict = recorder.failures.isEmpty() ? "none" : recorder.failures.get(0).label();
            return new Outcome(verdict, elapsed, false);
        } finally {
            // The server first: a watcher stuck in a read (a cell that failed) then ends at once.
            if (server != null) {
                server.close();
            }
            watcher.close();
        }
    }

    // ---- the client side: hostile clients at the sink ------------------------------------------

    private Outcome sinkCell(Cell cell) throws Exception {
        sinkRefusals.clear();
        long started = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sink.port()), 2000);
            s.setSoTimeout((int) SINK_LIFETIME.plus(MARGIN).toMillis());
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Thread writer = null;
            switch (cell.fault()) {
                case SILENT_AFTER_CONNECT:
                    break;
                case SILENT_AFTER_GREETING:
                    readLine(in);
                    out.write("EHLO hostile.test\r\n".getBytes(StandardCharsets.US_ASCII));
                    break;
                case ONE_BYTE_PER_SECOND:
                    writer = writeInBackground(out, "EHLO hostile.test\r\nNOOP\r\nNOOP\r\nNOOP\r\n", 1);
                    break;
                case ENDLESS_LINE:
                    writer = writeInBackground(out, "EHLO " + "x".repeat(8192), FLOOD_RATE);
                    break;
                case HUGE_ANSWER:
                    writer = writeInBackground(out, "EHLO hostile.test\r\nMAIL FROM:<a@hostile.test>\r\n"
                            + "RCPT TO:<" + SinkProbes.RCPT + ">\r\nDATA\r\n" + "X-Hostile: xxxxxxxx\r\n".repeat(
                                    100_000) + ".\r\n", FLOOD_RATE);
                    break;
                case DROP_MID_DATA:
                    out.write(("EHLO hostile.test\r\nMAIL FROM:<a@hostile.test>\r\nRCPT TO:<" + SinkProbes.RCPT
                            + ">\r\nDATA\r\nSubject: half\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.setSoLinger(true, 0);
                    s.close();
                    waitFor(() -> sink.openConnections() == 0, SINK_LIFETIME.plus(MARGIN));
                    return new Outcome(sink.openConnections() == 0 ? "closed" : "still open",
                            Duration.ofNanos(System.nanoTime() - started), false);
                case TLS_HANDSHAKE:
                    out.write("EHLO hostile.test\r\nSTARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    writer = writeInBackground(out, "this is not a TLS client hello at all\r\n".repeat(3), 1000);
                    break;
                default:
                    throw new IllegalArgumentException("no hostile client for " + cell.fault());
            }
            out.flush();
            boolean closed = readUntilClosed(in);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            // The sink tells its listener why once the session has ended, just after the close we saw.
            waitFor(() -> sink.openConnections() == 0, Duration.ofSeconds(1));
            if (writer != null) {
                writer.interrupt();
            }
            String verdict = !sinkRefusals.isEmpty() ? sinkRefusals.get(0).label() : closed ? "closed" : "still open";
            return new Outcome(verdict, elapsed, false);
        }
    }

    private static Thread writeInBackground(OutputStream out, String text, int bytesPerSecond) {
        Thread t = new Thread(() -> {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            int chunk = Math.max(1, bytesPerSecond / 100);
            long pause = 1000L * chunk / bytesPerSecond;
            try {
                for (int at = 0; at < bytes.length && !Thread.currentThread().isInterrupted(); at += chunk) {
                    out.write(bytes, at, Math.min(chunk, bytes.length - at));
                    out.flush();
                    if (pause > 0) {
                        Thread.sleep(pause);
                    }
                }
            } catch (IOException | InterruptedException closed) {
                // the sink cut us off, as it should
            }
        }, "hostile-client");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        return line.toString();
    }

    /** True when the sink closed the connection before our read timeout. */
    private static boolean readUntilClosed(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) != -1) {
                // replies are not the verdict; the close is
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(10);
        }
    }

    // ---- the healthy route --------------------------------------------------------------------

    private void healthyRouteStillWorks(Target t) throws Exception {
        if (t == Target.SINK) {
            int before = sinkDeliveries.size();
            ProbeToken token = SinkProbes.token(sinkSequence.incrementAndGet());
            SubmissionResult r = new SubmissionProbe(new SubmissionSettings(new ServerEndpoint("localhost",
                    sink.port(), TlsMode.PLAIN), null, TestProvider.trusted(), TestProvider.FAST, "agent.test"),
                    SinkProbes.SIGNER, ProbeClock.system()).submit("agent@example.test", SinkProbes.RCPT, token,
                    ProbeClock.system().now().plusSeconds(10));
            assertTrue(r.succeeded(), "a genuine delivery to the sink after the hostile client: " + r);
            assertEquals(before + 1, sinkDeliveries.size(), "the sink told its listener of one delivery");
            assertEquals(token, sinkDeliveries.get(before).token(), "the sink recorded this probe's token");
            return;
        }
        if (t.watcher()) {
            Watching.Delivery d = Watching.sendProbe(provider, Watching.AGENT);
            healthySeen.awaitArrival(d.token());
            return;
        }
        SubmissionResult r = new SubmissionProbe(new SubmissionSettings(provider.smtp(), provider.account(),
                TestProvider.trusted(), TestProvider.FAST, "agent.test"), Watching.SIGNER, ProbeClock.system())
                .submit("agent@example.test", TestProvider.USER, Watching.token(Watching.OTHER_AGENT),
                        ProbeClock.system().now().plusSeconds(10));
        assertTrue(r.succeeded(), "a healthy submission after the hostile cell: " + r);
    }

    /**
     * The heap before a cell, after a full collection; and what the cell added. One collection per
     * cell: the one after a cell is the baseline of the next (cells run one after another).
     */
    static final class Heap {
        private static Heap baseline;
        private final long used;
        private final long oldUsed;

        private Heap(long used, long oldUsed) {
            this.used = used;
            this.oldUsed = oldUsed;
        }

        static synchronized Heap before() {
            if (baseline == null) {
                // The first cell, or the cell before failed before it was measured.
                collect();
                baseline = now();
            }
            Heap start = baseline;
            baseline = null;
            return start;
        }

        /** After a collection and resetting the peaks: the next cell's start. */
        private static Heap now() {
            long old = 0;
            for (var pool : oldPools()) {
                pool.resetPeakUsage();
                old += pool.getUsage().getUsed();
            }
            return new Heap(usedHeap(), old);
        }

        /** {after a collection, used minus before; the old generation's peak during the cell minus its start}. */
        synchronized long[] grown() {
            long peak = 0;
            for (var pool : oldPools()) {
                peak += pool.getPeakUsage().getUsed();
            }
            collect();
            Heap after = now();
            synchronized (Heap.class) {
                baseline = after;
            }
            return new long[] {after.used - used, peak - oldUsed};
        }

        private static List<java.lang.management.MemoryPoolMXBean> oldPools() {
            return java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                    .filter(p -> !p.getName().contains("Eden") && !p.getName().contains("Survivor"))
                    .toList();
        }

        private static long usedHeap() {
            return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        private static void collect() {
            System.gc();
        }
    }
}
