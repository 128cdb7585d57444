package org.mailprobe.probes.webmail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.token.ProbeHeaders;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Finds token header values in what a webmail shows: a raw message (Roundcube's view source) is
 * parsed as headers; any other page is searched for the header, HTML entities decoded first.
 * Finding is not trusting: every value found is still verified by {@link TokenSigner}.
 */
final class TokenText {
    /** The header as it appears in a page; the value may be folded over lines (RFC 5322 2.2.3). */
    private static final Pattern IN_PAGE = Pattern.compile("(?i)" + Pattern.quote(TokenSigner.HEADER)
            + ":\\s*(v=1;\\s*a=[A-Za-z0-9_-]{1,64};\\s*r=[A-Za-z0-9_-]{1,64};\\s*n=\\d{1,18};\\s*t=\\d{1,15};"
            + "\\s*s=[A-Za-z0-9_-]{43})");
    /** The most values taken from one page; a page full of them is not a probe's. */
    private static final int MAX_FOUND = 16;

    private TokenText() {}

    /** A raw RFC 5322 message (or its header block): its token and Received headers. */
    static WebmailDriver.Source fromRawMessage(String raw, java.time.Duration took) throws WebmailException {
        try {
            InternetHeaders headers = new InternetHeaders(
                    new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)), true);
            String[] tokens = headers.getHeader(TokenSigner.HEADER);
            return new WebmailDriver.Source(tokens == null ? List.of() : List.of(tokens),
                    ProbeHeaders.received(headers.getHeader(ProbeHeaders.RECEIVED)), took);
        } catch (MessagingException e) {
            throw new WebmailException(Reason.SEARCH, "the message source could not be parsed as headers");
        }
    }

    /** Token header values shown anywhere in a page (HTML or text), unfolded. */
    static List<String> inPage(String page) {
        String text = page.indexOf('&') >= 0 ? Parser.unescapeEntities(page, false) : page;
        List<String> found = new ArrayList<>();
        Matcher m = IN_PAGE.matcher(text);
        while (m.find() && found.size() < MAX_FOUND) {
            found.add(m.group(1).replaceAll("\\s+", " "));
        }
        return found;
    }
}
