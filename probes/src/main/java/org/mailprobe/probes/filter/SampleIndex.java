package org.mailprobe.probes.filter;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.token.ProbeHeaders;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The outstanding samples of one look, and how a delivered message is matched to one of them: by
 * its verified token, else by the key in its Message-ID ({@code <KEY@mailprobe>}), else by route and
 * sequence in its subject ({@code [mailprobe] filter sample ROUTE #SEQ VARIANT}). A filter may strip
 * a header it does not know, or rewrite the subject ({@code ***SPAM*** ...}): each is a fallback
 * for what survives, and says which it was.
 */
final class SampleIndex {
    /** The subject every sample carries. */
    static final String SUBJECT_PREFIX = SampleMessages.SUBJECT_PREFIX;
    static final String MESSAGE_ID_DOMAIN = "@mailprobe";

    private static final Pattern SUBJECT = Pattern.compile(Pattern.quote(SUBJECT_PREFIX)
            + "\\s+(" + ProbeToken.ID.pattern() + ")\\s+#(\\d{1,18})(?:\\s|$)");
    private static final Pattern MESSAGE_ID = Pattern.compile("<([^<>@\\s]{1,200})" + Pattern.quote(MESSAGE_ID_DOMAIN)
            + ">", Pattern.CASE_INSENSITIVE);

    /** A match: the sample, how it was found, and the verified token when found by it. */
    record Match(SentSample sent, String matchedBy, @Nullable ProbeToken verified) {}

    private final Map<String, SentSample> byKey = new HashMap<>();
    private final Map<String, SentSample> byRouteAndSequence = new HashMap<>();
    private final TokenSigner signer;

    SampleIndex(Collection<SentSample> outstanding, TokenSigner signer) {
        this.signer = signer;
        for (SentSample s : outstanding) {
            byKey.put(s.key(), s);
            byRouteAndSequence.put(routeAndSequence(s.token().route(), s.token().sequence()), s);
        }
    }

    /**
     * The outstanding sample this message is, if any.
     *
     * @param tokenValues the message's token header values (null if none)
     * @param messageId its first Message-ID value, or null
     * @param subject its decoded, unfolded subject, or null
     */
    Optional<Match> match(String @Nullable [] tokenValues, @Nullable String messageId, @Nullable String subject) {
        Optional<ProbeToken> token = tokenValues == null ? Optional.empty() : ProbeHeaders.token(signer, tokenValues);
        if (token.isPresent()) {
            SentSample s = byKey.get(token.get().key());
            if (s != null) {
                return Optional.of(new Match(s, SampleSighting.BY_TOKEN, token.get()));
            }
        }
        if (messageId != null) {
            Matcher m = MESSAGE_ID.matcher(messageId);
            if (m.find()) {
                SentSample s = byKey.get(m.group(1));
                if (s != null) {
                    return Optional.of(new Match(s, SampleSighting.BY_MESSAGE_ID, null));
                }
            }
        }
        if (subject != null) {
            Matcher m = SUBJECT.matcher(subject);
            if (m.find()) {
                SentSample s = byRouteAndSequence.get(routeAndSequence(m.group(1), parse(m.group(2))));
                if (s != null) {
                    return Optional.of(new Match(s, SampleSighting.BY_SUBJECT, null));
                }
            }
        }
        return Optional.empty();
    }

    /** True if the subject says it is one of our samples (then it is counted when nothing matches it). */
    static boolean looksLikeOurs(@Nullable String subject) {
        return subject != null && subject.toLowerCase(Locale.ROOT).contains(SUBJECT_PREFIX);
    }

    private static long parse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String routeAndSequence(String route, long sequence) {
        return route + "#" + sequence;
    }
}
