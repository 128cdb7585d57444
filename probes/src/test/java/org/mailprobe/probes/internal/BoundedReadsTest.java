package org.mailprobe.probes.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TestProvider;

/**
 * The command deadline of {@link BoundedReads} against a server that trickles a byte every 50 ms
 * (well within any read timeout): a command is cut at its deadline, an IMAP IDLE (issue 11) gets
 * the longer IDLE deadline, and nothing else does.
 */
@Timeout(30)
class BoundedReadsTest {
    static final Duration COMMAND = Duration.ofMillis(400);
    static final Duration IDLE = Duration.ofSeconds(20);
    /** The deadline's timer ticks every 100 ms; more on a loaded machine. */
    static final Duration LATE = Duration.ofMillis(1500);

    private static RawScriptedServer trickling() throws IOException {
        return new RawScriptedServer(peer -> {
            while (true) {
                peer.raw("*");
                Thread.sleep(50);
            }
        });
    }

    private static Socket connect(BoundedReads reads, RawScriptedServer server) throws IOException {
        Socket s = reads.plainFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static void write(Socket s, String command) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(command.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads until the read fails or {@code max} has passed; how long it read. */
    private static Duration readFor(InputStream in, Duration max) throws IOException {
        long started = System.nanoTime();
        while (System.nanoTime() - started < max.toNanos()) {
            if (in.read() < 0) {
                break;
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void aGreetingTrickledByteByByteIsCutAtTheCommandDeadlineEvenWithALongIdleDeadline() throws Exception {
        try (RawScriptedServer server = trickling(); BoundedReads reads = new BoundedReads(
                ReadLimits.imap(COMMAND, IDLE), TestProvider.trusted().socketFactory()); Socket s = connect(reads,
                server)) {
            long started = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> readFor(s.getInputStream(), IDLE));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(COMMAND.plus(LATE)) < 0, "cut after " + took.toMillis() + " ms");
            assertTrue(reads.expired());
        }
    }

    @Test
    void anIdleIsNotCutAtTheCommandDeadline() throws Exception {
        try (RawScriptedServer server = trickling(); BoundedReads reads = new BoundedReads(
                ReadLimits.imap(COMMAND, IDLE), TestProvider.trusted().socketFactory()); Socket s = connect(reads,
                server)) {
            write(s, "A7 IDLE\r\n");
            readFor(s.getInputStream(), COMMAND.multipliedBy(4));
            assertFalse(reads.expired());
        }
    }

    @Test
    void theDoneThatEndsAnIdleIsCutAtTheCommandDeadline() throws Exception {
        try (RawScriptedServer server = trickling(); BoundedReads reads = new BoundedReads(
                ReadLimits.imap(COMMAND, IDLE), TestProvider.trusted().socketFactory()); Socket s = connect(reads,
                server)) {
            write(s, "A7 IDLE\r\n");
            readFor(s.getInputStream(), COMMAND.multipliedBy(2));
            write(s, "DONE\r\n");
            long started = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> readFor(s.getInputStream(), IDLE));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(COMMAND.plus(LATE)) < 0, "cut after " + took.toMillis() + " ms");
        }
    }

    @Test
    void aCommandNamingIdleAsAnArgumentGetsTheCommandDeadline() throws Exception {
        try (RawScriptedServer server = trickling(); BoundedReads reads = new BoundedReads(
                ReadLimits.imap(COMMAND, IDLE), TestProvider.trusted().socketFactory()); Socket s = connect(reads,
                server)) {
            write(s, "A7 SELECT IDLE\r\n");
            assertThrows(SocketTimeoutException.class, () -> readFor(s.getInputStream(), IDLE));
        }
    }
}
