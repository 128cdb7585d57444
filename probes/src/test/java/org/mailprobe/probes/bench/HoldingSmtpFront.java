package org.mailprobe.probes.bench;

import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.mailprobe.probes.ProbeClock;

/**
 * A minimal SMTP server that accepts a message (250 after DATA), holds it for a delay chosen per
 * message, then puts it into a GreenMail mailbox: a provider with a known, injected delay.
 * For the benchmark only; it trusts its client.
 */
final class HoldingSmtpFront implements AutoCloseable {
    private final ServerSocket server;
    private final GreenMailUser mailbox;
    private final Function<String, Duration> holdFor;
    /**
     * One thread: GreenMail takes a message's UID before it locks the folder to append it, so two
     * deliveries at once can make UID n+1 visible before UID n, and a watcher that has looked past
     * n+1 never looks at n (RFC 3501 2.3.1.1 forbids this; real servers serialize it).
     */
    private final ScheduledExecutorService deliveries = Executors.newSingleThreadScheduledExecutor();
    /** Token header value to the moment it was put into the mailbox. */
    final Map<String, Instant> deliveredAt = new ConcurrentHashMap<>();

    HoldingSmtpFront(GreenMailUser mailbox, Function<String, Duration> holdFor) throws IOException {
        this.mailbox = mailbox;
        this.holdFor = holdFor;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "holding-smtp");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                dialogue(s);
            } catch (IOException | MessagingException e) {
                // next connection
            }
        }
    }

    private void dialogue(Socket s) throws IOException, MessagingException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        send(out, "220 holding.test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                send(out, "250-holding.test\r\n250 8BITMIME");
            } else if (upper.startsWith("DATA")) {
                send(out, "354 go ahead");
                StringBuilder data = new StringBuilder();
                while ((line = in.readLine()) != null && !".".equals(line)) {
                    data.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
                }
                MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(data.toString().getBytes(StandardCharsets.ISO_8859_1)));
                String token = message.getHeader("X-Mailprobe-Token", null);
                send(out, "250 2.0.0 held");
                deliveries.schedule(() -> {
                    // Stamped as delivery starts: GreenMail tells IDLE clients within deliver().
                    deliveredAt.put(token, ProbeClock.system().now());
                    mailbox.deliver(message);
                }, holdFor.apply(token).toNanos(), TimeUnit.NANOSECONDS);
            } else if (upper.startsWith("QUIT")) {
                send(out, "221 bye");
                return;
            } else {
                send(out, "250 ok");
            }
        }
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        deliveries.shutdownNow();
    }
}
