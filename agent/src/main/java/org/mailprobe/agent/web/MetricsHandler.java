package org.mailprobe.agent.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics}: the exposition is written straight to the response (chunked, gzip when
 * the client accepts it, as Prometheus does), never built whole in memory (issue 13: a 24 MiB body
 * copied three times ran a 256 MiB agent out of memory mid-response).
 *
 * <p>The headers go out only with the first bytes of the body, after the registry has collected
 * every sample: a failure before that, an {@link OutOfMemoryError} too, is answered 503. A failure
 * after it closes the connection without the chunked body's last chunk (and without the gzip
 * trailer), so no client takes the part it got for a whole scrape.
 */
final class MetricsHandler implements HttpHandler {
    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final Logger logger = LoggerFactory.getLogger(MetricsHandler.class);
    private static final int GZIP_BUFFER = 8192;

    /** Writes the exposition in a content type; Micrometer's {@code PrometheusMeterRegistry::scrape}. */
    @FunctionalInterface
    interface Exposition {
        void writeTo(OutputStream out, String contentType) throws IOException;
    }

    private final Exposition exposition;

    MetricsHandler(Exposition exposition) {
        this.exposition = exposition;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            try (ex) {
                WebServer.respond(ex, 405, "text/plain", "Only GET is allowed.\n");
            }
            return;
        }
        String accept = ex.getRequestHeaders().getFirst("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT_004;
        boolean gzip = acceptsGzip(ex.getRequestHeaders().get("Accept-Encoding"));
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Vary", "Accept-Encoding");
        if ("HEAD".equals(method)) {
            try (ex) {
                if (gzip) {
                    ex.getResponseHeaders().set("Content-Encoding", "gzip");
                }
                ex.sendResponseHeaders(200, -1);
            }
            return;
        }
        Body body = new Body(ex, gzip);
        try {
            exposition.writeTo(body, contentType);
            body.finish();
        } catch (IOException | RuntimeException | Error e) {
            if (body.headersSent) {
                logger.warn("The scrape failed after its headers; the connection is closed unfinished, so the client "
                        + "sees a broken body. gzip={} error={}", gzip, e.toString());
                // Thrown out of the handler, the JDK's server closes the connection; closing the
                // exchange instead would write the last chunk and make the part look whole.
                throw new IOException("the scrape failed after its headers", e);
            }
            logger.warn("The scrape failed before its body; answered 503. error={}", e.toString());
            try (ex) {
                ex.getResponseHeaders().remove("Vary");
                WebServer.respond(ex, 503, "text/plain; charset=utf-8",
                        "The scrape failed (" + e.getClass().getSimpleName() + "); try again.\n");
            }
            return;
        }
        ex.close();
    }

    /** True if {@code Accept-Encoding} accepts gzip (RFC 9110 section 12.5.3; q=0 refuses it). */
    static boolean acceptsGzip(@Nullable List<String> headers) {
        if (headers == null) {
            return false;
        }
        for (String header : headers) {
            for (String element : header.split(",")) {
                String[] parts = element.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                if (!coding.equals("gzip") && !coding.equals("x-gzip")) {
                    continue;
                }
                double q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String param = parts[i].trim().toLowerCase(Locale.ROOT);
                    if (param.startsWith("q=")) {
                        try {
                            q = Double.parseDouble(param.substring(2).trim());
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
                if (q > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * gzip at the fastest level: on a 1,000-route exposition it costs about 13 ms of CPU instead of
     * 40 ms at the default level, for a body of 127 KB instead of 111 KB (of 3.6 MB); the scrape's
     * time matters more than a few kilobytes on the wire (issue 13).
     */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, GZIP_BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * The response body, which sends the headers (200, chunked) with its first bytes. Closing it
     * does nothing: only {@link #finish} ends the body, so a writer that closes its stream cannot
     * end a response early.
     */
    private static final class Body extends OutputStream {
        private final HttpExchange ex;
        private final boolean gzip;
        private @Nullable OutputStream out;
        boolean headersSent;

        Body(HttpExchange ex, boolean gzip) {
            this.ex = ex;
            this.gzip = gzip;
        }

        private OutputStream out() throws IOException {
            if (out == null) {
                if (gzip) {
                    ex.getResponseHeaders().set("Content-Encoding", "gzip");
                }
                headersSent = true;
                ex.sendResponseHeaders(200, 0);
                OutputStream raw = ex.getResponseBody();
                out = gzip ? new FastGzip(raw) : raw;
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > 0) {
                out().write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() {
            // Only finish() ends the response.
        }

        /** Writes the gzip trailer, if any, and the last chunk. */
        void finish() throws IOException {
            out().close();
        }
    }
}
