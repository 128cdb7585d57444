package org.mailprobe.probes.webmail;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.BoundedBody;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;

/**
 * One webmail watcher's HTTP client: its own cookie jar (the session), the server's TLS policy,
 * redirects followed (but never from https to http), and a deadline on every request that covers
 * the body too, not only the headers as {@link HttpRequest#timeout} does. Bodies are capped, so a
 * hostile server costs one poll, not the agent's memory. Nothing here logs.
 */
final class WebmailHttp {
    /** The largest answer read; a Roundcube page is about 20 KiB, a list answer a few KiB. */
    static final int MAX_BODY = 4 * 1024 * 1024;
    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([A-Za-z0-9._:-]+)");

    private final HttpClient client;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ORIGINAL_SERVER);
    private final Timeouts timeouts;
    private final String userAgent;
    /** Only "now" against a call's deadline; the drivers date the answers. */
    private final InstantSource clock;
    private volatile @Nullable CompletableFuture<?> inFlight;

    WebmailHttp(TlsPolicy tls, Timeouts timeouts, String userAgent, InstantSource clock) {
        this.clock = clock;
        this.timeouts = timeouts;
        this.userAgent = userAgent;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeouts.connect())
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .sslContext(tls.sslContext())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** An answer: status, the URI it came from after redirects, decoded body, and how long it took. */
    record Page(int status, URI uri, String contentType, String body, Duration took) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        boolean html() {
            return contentType.toLowerCase(java.util.Locale.ROOT).contains("html");
        }

        @Override
        public String toString() {
            return "Page[status=" + status + ", bytes=" + body.length() + ", took=" + took.toMillis() + "ms]";
        }
    }

    Page get(URI uri, Map<String, String> headers, Instant deadline, String what) throws IOException,
            DeadlineExceededException {
        HttpRequest request;
        try {
            request = base(uri, headers, deadline).GET().build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw unsendable(what, e);
        }
        return send(request, deadline, what);
    }

    Page postForm(URI uri, Map<String, String> form, Map<String, String> headers, Instant deadline, String what)
            throws IOException, DeadlineExceededException {
        HttpRequest request;
        try {
            request = base(uri, headers, deadline)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                    .build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw unsendable(what, e);
        }
        return send(request, deadline, what);
    }

    /**
     * A request the client refuses to build (a bad URL or header, from a template filled with what a
     * page said). The JDK's message may quote the URL or header, which may hold a token: not kept.
     */
    private static WebmailException unsendable(String what, RuntimeException e) {
        return new WebmailException(Reason.PROTOCOL, what + " could not be sent: " + e.getClass().getSimpleName());
    }

    /** Forgets the session (before a fresh login). */
    void clearCookies() {
        cookies.getCookieStore().removeAll();
    }

    /** Ends the request in progress, if any, from another thread (the watcher is closing). */
    void abort() {
        CompletableFuture<?> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
    }

    static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder base(URI uri, Map<String, String> headers, Instant deadline) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(Timeouts.millisWithin(timeouts.read(), clock.instant(),
                        deadline)))
                .header("User-Agent", userAgent);
        headers.forEach(b::header);
        return b;
    }

    private Page send(HttpRequest request, Instant deadline, String what) throws IOException,
            DeadlineExceededException {
        long started = System.nanoTime();
        long left = Duration.between(clock.instant(), deadline).toMillis();
        if (left <= 0) {
            throw new DeadlineExceededException(what);
        }
        CompletableFuture<HttpResponse<byte[]>> future;
        try {
            future = client.sendAsync(request, info -> new BoundedBody(MAX_BODY, cap -> WebmailException.oversized("the answer is longer than " + cap + " bytes")));
        } catch (IllegalArgumentException e) {
            throw unsendable(what, e); // e.g. a scheme the client does not speak after a template
        }
        inFlight = future;
        HttpResponse<byte[]> response;
        try {
            response = future.get(left, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DeadlineExceededException(what);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException(what + " was interrupted");
        } catch (java.util.concurrent.CancellationException e) {
            throw new IOException(what + " was cancelled (the watcher is closing)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException(what + " failed", cause);
        } finally {
            inFlight = null;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        return new Page(response.statusCode(), response.uri(), type, new String(response.body(), charset(type)),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static Charset charset(String contentType) {
        Matcher m = CHARSET.matcher(contentType);
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (IllegalArgumentException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

}
