package org.mailprobe.agent.web;

import java.util.Map;

/** Answers {@code GET /sink/deliveries}: the web server hands it the query and credentials, nothing else. */
@FunctionalInterface
public interface FeedEndpoint {
    /**
     * The request header with the feed's credentials; not {@code Authorization}, which the web
     * config's basic authentication may need on the same request.
     */
    String AUTH_HEADER = "X-Mailprobe-Feed-Auth";

    /** The answer to a request with {@code rawQuery} (may be null) and the {@link #AUTH_HEADER} value {@code authorization} (may be null). */
    Answer answer(String rawQuery, String authorization);

    /** Status, content type, body and extra response headers. */
    record Answer(int status, String contentType, String body, Map<String, String> headers) {
        public Answer {
            headers = Map.copyOf(headers);
        }
    }
}
