package org.mailprobe.probes.sink;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.token.ProbeHeaders;
import org.mailprobe.probes.token.TokenSigner;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * One mail transaction at the sink (RFC 5321 section 3.3: MAIL, RCPT..., DATA): stamps MAIL FROM,
 * refuses foreign recipients at RCPT, reads the message keeping only its header block, and
 * accepts it only if it carries one token that verifies.
 */
final class SinkTransaction implements MessageHandler {
    /** Our probe's header block is under 2 KiB; a real delivery adds a few Received lines. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private final ProbeSink.Context sink;
    private final ProbeSink.Connection connection;
    private final Session session;
    private final List<String> recipients = new ArrayList<>();
    private @Nullable Instant mailFromAt;
    private @Nullable String envelopeFrom;
    private String tlsProtocol = "";

    SinkTransaction(ProbeSink.Context sink, ProbeSink.Connection connection, Session session) {
        this.sink = sink;
        this.connection = connection;
        this.session = session;
    }

    @Override
    public void from(String from) throws RejectException {
        // First, before anything of ours runs: this is the moment the send delay ends.
        mailFromAt = sink.clock().now();
        if (session.getSocket() instanceof SSLSocket) {
            tlsProtocol = ((SSLSocket) session.getSocket()).getSession().getProtocol();
        }
        if (sink.settings().requireTls() && tlsProtocol.isEmpty()) {
            sink.refused(SinkRefusal.TLS_REQUIRED, connection.peer());
            throw new RejectException(530, "5.7.0 Must issue a STARTTLS command first");
        }
        envelopeFrom = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        int at = recipient == null ? -1 : recipient.lastIndexOf('@');
        if (at < 0 || !sink.settings().accepts(recipient.substring(at + 1))) {
            // Never a relay (RFC 5321 section 3.6.2): only our own domains.
            sink.refused(SinkRefusal.FOREIGN_DOMAIN, connection.peer());
            throw new RejectException(550, "5.7.1 Relay access denied: this host accepts mail for its own domains only");
        }
        recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        HeaderBlock block = HeaderBlock.read(data, MAX_HEADER_BYTES);
        Instant completed = sink.clock().now();
        if (block.size() > sink.settings().maxMessageBytes()) {
            // Read to the end first, so the client hears 552 in step (RFC 5321 section 4.5.3.1.10)
            // rather than a reset; the connection's lifetime bounds a client that never stops.
            throw refuse(SinkRefusal.TOO_LARGE, 552, "5.3.4 Message too big for this system");
        }
        InternetHeaders headers = headers(block);
        String[] tokens = headers == null ? null : headers.getHeader(TokenSigner.HEADER);
        if (tokens == null) {
            throw refuse(SinkRefusal.NOT_PROBE, 550, "5.7.1 Not a probe message: this host accepts only its own probes");
        }
        Optional<ProbeToken> token = ProbeHeaders.token(sink.signer(), tokens);
        if (token.isEmpty()) {
            throw refuse(SinkRefusal.FORGED_TOKEN, 550, "5.7.1 Not a probe message: this host accepts only its own probes");
        }
        switch (sink.seen().admit(token.get(), completed)) {
            case STALE:
                throw refuse(SinkRefusal.STALE, 550, "5.7.1 Probe token outside its time window");
            case REPLAY:
                // 5xx, not 4xx: a provider that retries after a lost 250 is answered for good, and
                // the probe was already counted the first time.
                throw refuse(SinkRefusal.REPLAY, 550, "5.7.1 Probe token already delivered");
            default:
                break;
        }
        // DATA comes after MAIL FROM (SubEthaSMTP enforces the order), and a message without
        // headers was refused above.
        sink.delivered(new SinkDelivery(token.get(), connection.peer(), session.getHelo().orElse(""),
                connection.connectedAt(), Objects.requireNonNull(mailFromAt), completed, tlsProtocol,
                Objects.requireNonNull(envelopeFrom), recipients,
                ProbeHeaders.received(Objects.requireNonNull(headers).getHeader(ProbeHeaders.RECEIVED))));
        return "2.0.0 Probe received";
    }

    private RejectException refuse(SinkRefusal reason, int code, String text) {
        sink.refused(reason, connection.peer());
        // SubEthaSMTP leaves the transaction open after a refused DATA, so the client's next MAIL
        // would get 503; end it here as RFC 5321 section 4.1.1.4 expects.
        session.resetMailTransaction();
        return new RejectException(code, text);
    }

    /** The parsed header block; null if it is not a complete, parseable header block (not ours). */
    private static @Nullable InternetHeaders headers(HeaderBlock block) {
        if (!block.complete()) {
            return null;
        }
        try {
            return new InternetHeaders(new ByteArrayInputStream(block.header()));
        } catch (MessagingException e) {
            return null;
        }
    }

    @Override
    public void done() {
        // nothing kept, nothing to release
    }
}
