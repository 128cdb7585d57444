package org.mailprobe.probes.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mailprobe.probes.ProbeToken;

/**
 * Signs and verifies probe tokens with HMAC-SHA256 under the agent's key. The header value is
 * {@code v=1; a=AGENT; r=ROUTE; n=SEQ; t=EPOCH_MILLIS; s=BASE64URL_MAC}. A value that does not
 * parse or whose MAC does not match is not ours, whatever it claims.
 */
public final class TokenSigner {
    /** The header that carries the token. */
    public static final String HEADER = "X-Mailprobe-Token";

    private static final int MIN_KEY_BYTES = 16;
    /** Longer values are hostile or foreign; rejected before any parsing work. */
    private static final int MAX_VALUE_LENGTH = 400;
    private static final Pattern FORMAT = Pattern.compile(
            "v=1; a=(" + ProbeToken.ID.pattern() + "); r=(" + ProbeToken.ID.pattern()
                    + "); n=(\\d{1,18}); t=(\\d{1,15}); s=([A-Za-z0-9_-]{43})");

    private final SecretKeySpec key;

    public TokenSigner(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "the key has " + key.length + " bytes; at least " + MIN_KEY_BYTES + " are needed");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The header value for {@code token}. */
    public String sign(ProbeToken token) {
        String body = canonical(token.agentId(), token.route(), token.sequence(), token.stampedAt().toEpochMilli());
        return body + "; s=" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(body));
    }

    /**
     * The token in {@code headerValue} if it is well-formed and its MAC verifies under our key;
     * empty for anything else, including null. Never throws.
     */
    public Optional<ProbeToken> verify(String headerValue) {
        if (headerValue == null || headerValue.length() > MAX_VALUE_LENGTH) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(unfold(headerValue));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long seq = Long.parseLong(m.group(3));
            long millis = Long.parseLong(m.group(4));
            String body = canonical(m.group(1), m.group(2), seq, millis);
            byte[] claimed = Base64.getUrlDecoder().decode(m.group(5));
            if (!MessageDigest.isEqual(claimed, mac(body))) {
                return Optional.empty();
            }
            return Optional.of(new ProbeToken(m.group(1), m.group(2), seq, Instant.ofEpochMilli(millis)));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A key for another purpose derived from this one (HMAC-SHA256 of {@code purpose} under it), so
     * that parties who share the token key share it too without a second secret to distribute,
     * and a MAC made under it can never be taken for a token's.
     */
    public byte[] derive(String purpose) {
        return mac("derive:" + purpose);
    }

    private static String unfold(String value) {
        return value.replaceAll("\\r?\\n[ \\t]+", " ").trim();
    }

    private static String canonical(String agent, String route, long seq, long millis) {
        return "v=1; a=" + agent + "; r=" + route + "; n=" + seq + "; t=" + millis;
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "TokenSigner[key=****]";
    }
}
