package org.mailprobe.agent.runtime;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates the sink feed both ways with HMAC-SHA256 under a key the sink and its agents
 * share. A request carries {@code X-Mailprobe-Feed-Auth: Mailprobe-Feed t=MILLIS, s=MAC} over its path and
 * query (which holds a fresh random nonce) and its time, refused beyond {@link #SKEW}; the answer
 * carries {@link #SIGNATURE_HEADER} over its exact body bytes, and the body echoes the nonce, so a
 * reader refuses an answer that was altered, forged, or recorded earlier and replayed. TLS (https)
 * keeps the feed private; the MACs keep it authentic even where TLS ends at a proxy.
 */
final class FeedAuth {
    static final String SIGNATURE_HEADER = "X-Mailprobe-Feed-Signature";
    static final String SCHEME = "Mailprobe-Feed";
    /** How far a request's time may be from the sink's clock. */
    static final Duration SKEW = Duration.ofMinutes(5);
    private static final Pattern AUTHORIZATION = Pattern.compile(SCHEME + " t=(\\d{1,15}), s=([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    FeedAuth(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the feed key has " + key.length + " bytes; at least 16 are needed");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** A fresh nonce for one request: 128 random bits, hex. */
    static String nonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The credentials header value for a request to {@code pathAndQuery} made at {@code now}. */
    String authorize(String pathAndQuery, Instant now) {
        long t = now.toEpochMilli();
        return SCHEME + " t=" + t + ", s=" + base64(mac(("GET " + pathAndQuery + "\n" + t)
                .getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code authorization} (may be null) authenticates a request to {@code pathAndQuery} at {@code now}. */
    boolean authorized(String authorization, String pathAndQuery, Instant now) {
        if (authorization == null) {
            return false;
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            return false;
        }
        Instant t = Instant.ofEpochMilli(Long.parseLong(m.group(1)));
        if (Duration.between(t, now).abs().compareTo(SKEW) > 0) {
            return false;
        }
        byte[] expected = mac(("GET " + pathAndQuery + "\n" + m.group(1)).getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(m.group(2)));
    }

    /** The signature header value of an answer's body. */
    String sign(byte[] body) {
        return base64(mac(body));
    }

    /** Whether {@code signature} (may be null) is this key's MAC of {@code body}. */
    boolean verify(byte[] body, @Nullable String signature) {
        if (signature == null || !signature.matches("[A-Za-z0-9_-]{43}")) {
            return false;
        }
        return MessageDigest.isEqual(mac(body), Base64.getUrlDecoder().decode(signature));
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "FeedAuth[key=****]";
    }
}
