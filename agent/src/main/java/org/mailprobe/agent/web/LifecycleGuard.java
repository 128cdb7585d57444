package org.mailprobe.agent.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a request may use a state-changing endpoint ({@code /-/reload}). Off without
 * {@code --web.enable-lifecycle}, as in Prometheus. With it, POST only, and nothing a web page of
 * another origin could send from an operator's browser: such a page can POST a form or
 * {@code text/plain} without a CORS preflight (a "simple request",
 * https://fetch.spec.whatwg.org/#simple-header), and the browser then says where it came from in
 * {@code Origin} and {@code Sec-Fetch-Site}. curl, Prometheus tooling and scripts send neither.
 */
final class LifecycleGuard {
    /** The largest request body read (reload takes none); more is refused. */
    static final int MAX_BODY_BYTES = 4096;
    private static final List<String> FORM_TYPES =
            List.of("application/x-www-form-urlencoded", "multipart/form-data", "text/plain");

    record Refusal(int status, String sentence) {}

    private LifecycleGuard() {}

    /** Null when the request may proceed (its body, if any, then read and dropped). */
    static @Nullable Refusal check(HttpExchange ex, WebConfig webConfig) throws IOException {
        if (!webConfig.lifecycle()) {
            return new Refusal(403, "Lifecycle endpoints are off: start mailprobe with --web.enable-lifecycle to "
                    + "reload by HTTP, or send it SIGHUP.");
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            return new Refusal(405, "Only POST is allowed.");
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && !sameOrigin(origin, ex, webConfig)) {
            return new Refusal(403, "Refused: a request from another origin (" + printable(origin) + ") may not "
                    + "change the agent's state.");
        }
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return new Refusal(403, "Refused: a request a browser marked " + printable(site) + " may not change "
                    + "the agent's state.");
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (FORM_TYPES.contains(media)) {
                return new Refusal(415, "Refused: a " + media + " body is what a web page's form can send from "
                        + "another origin; send no body (curl -X POST URL).");
            }
        }
        if (!bodyFits(ex)) {
            return new Refusal(413, "Refused: the body is over " + MAX_BODY_BYTES + " bytes; this endpoint takes "
                    + "none.");
        }
        return null;
    }

    private static boolean sameOrigin(String origin, HttpExchange ex, WebConfig webConfig) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            String scheme = webConfig.tls() ? "https" : "http";
            int port = uri.getPort() != -1 ? uri.getPort() : webConfig.tls() ? 443 : 80;
            URI self = new URI(scheme + "://" + host);
            int selfPort = self.getPort() != -1 ? self.getPort() : webConfig.tls() ? 443 : 80;
            return scheme.equalsIgnoreCase(uri.getScheme()) && self.getHost() != null
                    && self.getHost().equalsIgnoreCase(uri.getHost()) && port == selfPort;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Reads at most one byte past the limit, so a huge or endless body costs nothing. */
    private static boolean bodyFits(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        InputStream in = ex.getRequestBody();
        byte[] buffer = new byte[1024];
        int total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > MAX_BODY_BYTES) {
                return false;
            }
        }
        return true;
    }

    /** A header value as it may be quoted in a reply and a log line: printable ASCII, bounded. */
    private static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
