package org.mailprobe.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An absolute http or https URL from the config (a webmail, a token endpoint), checked once:
 * parsable, with a host, and never holding a user name or password (which would then sit in the
 * file and in every error that quotes the URL).
 */
final class HttpUrl {
    private HttpUrl() {}

    /**
     * The URL in {@code text}, or null with a problem at {@code path}.
     *
     * @param credentialsAdvice where the credentials belong instead, said when the URL holds some
     * @param wanted what the URL must be, e.g. "an absolute https URL such as https://..."
     */
    static @Nullable URI parse(Problems problems, String path, String text, String credentialsAdvice, String wanted) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            problems.add(path, "is not a URL: " + e.getReason());
            return null;
        }
        if (url.getRawUserInfo() != null) {
            // Not echoed: it may hold a password or a client's secret.
            problems.add(path, "must not hold a user name or password; " + credentialsAdvice);
            return null;
        }
        String scheme = scheme(url);
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
            problems.add(path, "'" + text + "' must be " + wanted);
            return null;
        }
        return url;
    }

    /** The URL's scheme in lower case; "" if none. */
    static String scheme(URI url) {
        return url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    }
}
