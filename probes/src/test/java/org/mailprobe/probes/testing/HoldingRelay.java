package org.mailprobe.probes.testing;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.token.TokenSigner;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A provider's outbound relay with a known delay: it accepts a message (250 after DATA), holds it
 * for a time chosen per message, then delivers it to the sink over a new SMTP connection, adding
 * a Received header as a real MTA would. It records on {@link ProbeClock} when it answered 250
 * and when it actually sent MAIL FROM to the sink, so a test can compare the sink's figure with
 * the true handoff rather than with a sleep. Trusts its clients; for tests and benchmarks only.
 */
public final class HoldingRelay implements AutoCloseable {
    /**
     * What happened to one message.
     *
     * @param acceptedAt just before the relay's 250 after DATA
     * @param held how long it was held
     * @param mailFromSentAt just before the relay wrote MAIL FROM to the sink
     * @param sinkReply the sink's reply after the final dot
     */
    public record Handoff(Instant acceptedAt, Duration held, Instant mailFromSentAt, String sinkReply) {}

    private final int sinkPort;
    private final Function<String, Duration> holdFor;
    private final SMTPServer server;
    private final ScheduledExecutorService deliveries = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "holding-relay-delivery");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Handoff> handoffs = new ConcurrentHashMap<>();

    /** Relays to the sink at {@code sinkPort}, holding each message {@code holdFor.apply(tokenHeader)}. */
    public HoldingRelay(int sinkPort, Function<String, Duration> holdFor) {
        this.sinkPort = sinkPort;
        this.holdFor = holdFor;
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("relay.test")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(Transaction::new)
                .build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** The handoff of the message whose token header is {@code tokenHeader}, once delivered. */
    public Optional<Handoff> handoff(String tokenHeader) {
        return Optional.ofNullable(handoffs.get(tokenHeader));
    }

    private final class Transaction implements MessageHandler {
        private final MessageContext context;
        private String from;
        private String to;

        Transaction(MessageContext context) {
            this.context = context;
        }

        @Override
        public void from(String address) {
            from = address;
        }

        @Override
        public void recipient(String address) {
            to = address;
        }

        @Override
        public String data(InputStream data) throws IOException {
            byte[] message = data.readAllBytes();
            Instant acceptedAt = ProbeClock.system().now();
            String token;
            try {
                token = new InternetHeaders(new ByteArrayInputStream(message)).getHeader(TokenSigner.HEADER, null);
            } catch (MessagingException e) {
                throw new IOException(e);
            }
            Duration hold = holdFor.apply(token);
            String received = "Received: from " + context.getHelo().orElse("unknown") + " ([127.0.0.1])\r\n"
                    + "\tby relay.test with ESMTP; "
                    + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n";
            String text = received + new String(message, StandardCharsets.ISO_8859_1);
            String envelopeFrom = from;
            String recipient = to;
            deliveries.schedule(() -> deliver(token, acceptedAt, hold, envelopeFrom, recipient, text),
                    hold.toNanos(), TimeUnit.NANOSECONDS);
            return null;
        }

        @Override
        public void done() {
            // nothing to release
        }
    }

    private void deliver(String token, Instant acceptedAt, Duration hold, String from, String to, String text) {
        try (SmtpClient sink = new SmtpClient(sinkPort)) {
            sink.reply();
            sink.command("EHLO relay.test");
            Instant mailFromSentAt = ProbeClock.system().now();
            sink.command("MAIL FROM:<" + from + ">");
            sink.command("RCPT TO:<" + to + ">");
            String reply = sink.data(text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text);
            sink.command("QUIT");
            handoffs.put(token, new Handoff(acceptedAt, hold, mailFromSentAt, reply));
        } catch (IOException e) {
            handoffs.put(token, new Handoff(acceptedAt, hold, null, "relay failed: " + e));
        }
    }

    @Override
    public void close() {
        server.stop();
        deliveries.shutdownNow();
    }
}
