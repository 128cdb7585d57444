package org.mailprobe.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.web.FeedEndpoint;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last deliveries of this agent's sink, for agents elsewhere that send to it ({@code sink:
 * remote:}). Served as JSON at {@code /sink/deliveries?after=SEQ&nonce=N} to a request that
 * {@link FeedAuth} authenticates, the answer signed; each answer carries the sink's clock
 * ({@code now}), so a reader converts the sink's timestamps to its own clock with an error of at
 * most half the request's round trip.
 *
 * <p>An entry is small and never holds a token: the probe's agent, route, sequence and send time,
 * and the SHA-256 of its signed token, which only a holder of the token key can recompute, so a
 * reader knows the entry is its probe while the feed gives nothing a replay could use. Bounded in
 * entries ({@link #CAPACITY}) and bytes ({@link #MAX_BYTES}); a reader that falls behind is told
 * so ({@code missed}); an answer holds at most {@link #PAGE} entries ({@code more} says there are
 * others), far below what a reader accepts.
 */
public final class SinkFeed implements FeedEndpoint {
    static final int CAPACITY = 10_000;
    static final long MAX_BYTES = 4L << 20;
    static final int PAGE = 500;
    /** A HELO name beyond this is not a host name (RFC 1035: 255); cut, so an entry stays small. */
    static final int MAX_TEXT = 255;
    private static final Logger logger = LoggerFactory.getLogger(SinkFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NONCE = "[0-9a-f]{32}";

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Supplier<Instant> clock;
    private final TokenSigner signer;
    private final FeedAuth auth;
    private long lastSeq;
    private long bytes;

    record Entry(long seq, ProbeToken token, String tokenSha256, String peer, String helo, Instant connectedAt,
            Instant mailFromAt, Instant dataCompletedAt, String tls) {
        /** Roughly what the entry holds, characters and fields: what the byte bound counts. */
        long size() {
            return 256L + token.agentId().length() + token.route().length() + tokenSha256.length() + peer.length()
                    + helo.length() + tls.length();
        }
    }

    public SinkFeed(Supplier<Instant> clock, TokenSigner signer, byte[] feedKey) {
        this.clock = clock;
        this.signer = signer;
        this.auth = new FeedAuth(feedKey);
    }

    synchronized void append(SinkDelivery d) {
        Entry e = new Entry(++lastSeq, d.token(), tokenSha256(signer, d.token()), cut(d.peer()), cut(d.heloName()),
                d.connectedAt(), d.mailFromAt(), d.dataCompletedAt(), cut(d.tlsProtocol()));
        entries.addLast(e);
        bytes += e.size();
        while (entries.size() > CAPACITY || bytes > MAX_BYTES) {
            bytes -= entries.removeFirst().size();
        }
    }

    /** Entries held now. */
    synchronized int size() {
        return entries.size();
    }

    /** What the held entries count against {@link #MAX_BYTES}. */
    synchronized long bytes() {
        return bytes;
    }

    /** The hex SHA-256 of {@code token} signed under {@code signer}'s key: how an entry names its probe. */
    static String tokenSha256(TokenSigner signer, ProbeToken token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(signer.sign(token).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    @Override
    public Answer answer(String rawQuery, String authorization) {
        String query = rawQuery == null ? "" : rawQuery;
        if (!auth.authorized(authorization, "/sink/deliveries?" + query, clock.get())) {
            // debug, not info: anyone can send these, and a flood of them must not flood the log.
            logger.debug("Refused an unauthenticated request for the sink feed. query_length={}", query.length());
            return new Answer(401, "text/plain", "The sink feed needs the " + FeedEndpoint.AUTH_HEADER
                    + " header made with the feed key.\n", Map.of("WWW-Authenticate", FeedAuth.SCHEME));
        }
        long after = 0;
        String nonce = null;
        for (String part : query.split("&")) {
            if (part.startsWith("after=")) {
                try {
                    after = Long.parseLong(part.substring("after=".length()));
                } catch (NumberFormatException e) {
                    return new Answer(400, "text/plain", "after must be a sequence number.\n", Map.of());
                }
            } else if (part.startsWith("nonce=")) {
                nonce = part.substring("nonce=".length());
            }
        }
        if (nonce == null || !nonce.matches(NONCE)) {
            return new Answer(400, "text/plain", "nonce must be 32 hex digits.\n", Map.of());
        }
        String body = since(after, nonce);
        return new Answer(200, "application/json", body,
                Map.of(FeedAuth.SIGNATURE_HEADER, auth.sign(body.getBytes(StandardCharsets.UTF_8))));
    }

    /** The deliveries after {@code after}, at most {@link #PAGE}, as the feed's JSON document. */
    synchronized String since(long after, String nonce) {
        ObjectNode root = JSON.createObjectNode();
        root.put("nonce", nonce);
        root.put("now", clock.get().toString());
        long first = entries.isEmpty() ? lastSeq + 1 : entries.peekFirst().seq();
        root.put("missed", after + 1 < first && after < lastSeq);
        ArrayNode list = root.putArray("deliveries");
        long last = after;
        for (Entry e : entries) {
            if (e.seq() <= after) {
                continue;
            }
            if (list.size() == PAGE) {
                break;
            }
            ObjectNode o = list.addObject();
            o.put("seq", e.seq());
            o.put("agent", e.token().agentId());
            o.put("route", e.token().route());
            o.put("sequence", e.token().sequence());
            o.put("sent_at_ms", e.token().stampedAt().toEpochMilli());
            o.put("token_sha256", e.tokenSha256());
            o.put("peer", e.peer());
            o.put("helo", e.helo());
            o.put("connected_at", e.connectedAt().toString());
            o.put("mail_from_at", e.mailFromAt().toString());
            o.put("data_completed_at", e.dataCompletedAt().toString());
            o.put("tls", e.tls());
            last = e.seq();
        }
        root.put("last_seq", list.size() == PAGE ? last : lastSeq);
        root.put("more", list.size() == PAGE && last < lastSeq);
        return root.toString();
    }

    private static String cut(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }
}
