package org.mailprobe.probes.oauth;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailprobe.probes.BoundedBody;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.internal.ReplyTooLongException;

/**
 * Sends Nimbus's token requests on the JDK's HTTP client rather than Nimbus's own
 * {@code HttpURLConnection} sender, because that one reads an answer's body whole and without a
 * time bound: here the whole exchange (connect, headers, body) ends by the request's deadline and
 * the body is read to at most {@link #MAX_BODY} bytes, so a hostile endpoint costs one failed fetch.
 */
final class TokenEndpointHttp {
    /** A token response is a few KiB (a Microsoft access token about 2 KiB); a hundred times that is no token. */
    static final int MAX_BODY = 256 * 1024;
    /** Headers the JDK client sets itself and refuses from us. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    /**
     * The clients' work for every account: without it each client starts its own pool (its
     * selector thread is its own either way, and ends when the account's tokens are dropped).
     */
    private static final java.util.concurrent.ExecutorService EXCHANGES = java.util.concurrent.Executors
            .newCachedThreadPool(MailSessions.daemonThreads("mailprobe-token-http"));

    private final HttpClient client;
    private final Timeouts timeouts;
    /** Only "now", for the request's deadline. */
    private final InstantSource clock;

    TokenEndpointHttp(TlsPolicy tls, Timeouts timeouts, InstantSource clock) {
        this.clock = clock;
        this.timeouts = timeouts;
        // A token endpoint that redirects is misconfigured; following it could post the client's
        // secret elsewhere.
        this.client = HttpClient.newBuilder()
                .sslContext(tls.sslContext())
                .connectTimeout(timeouts.connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(EXCHANGES)
                .build();
    }

    /**
     * One request and its answer, all by the earlier of {@code deadline} and the connect plus read
     * timeouts from now.
     *
     * @throws HttpTimeoutException if the answer was not complete by then
     * @throws ReplyTooLongException if the body is larger than {@link #MAX_BODY}
     */
    HTTPResponse send(HTTPRequest request, Instant deadline) throws IOException {
        Instant now = clock.instant();
        Instant end = now.plus(timeouts.connect()).plus(timeouts.read());
        if (deadline.isBefore(end)) {
            end = deadline;
        }
        long leftMillis = Duration.between(now, end).toMillis();
        if (leftMillis <= 0) {
            throw new HttpTimeoutException("no time left to ask the token endpoint");
        }
        String body = request.getBody();
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.getURI())
                .timeout(Duration.ofMillis(Math.min(leftMillis, timeouts.read().toMillis())))
                .method(request.getMethod().name(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (Map.Entry<String, List<String>> header : request.getHeaderMap().entrySet()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : header.getValue()) {
                    builder.header(header.getKey(), value);
                }
            }
        }
        CompletableFuture<HttpResponse<byte[]>> exchange =
                client.sendAsync(builder.build(), info -> new BoundedBody(MAX_BODY,
                        cap -> new ReplyTooLongException("the token endpoint's answer is longer than " + cap + " bytes")));
        HttpResponse<byte[]> answer;
        try {
            answer = exchange.get(leftMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("the token endpoint's answer was not complete within " + leftMillis + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking the token endpoint");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException("the token request failed: " + (cause == null ? e : cause).getClass().getSimpleName(), cause);
        }
        HTTPResponse response = new HTTPResponse(answer.statusCode());
        answer.headers().firstValue("Content-Type").ifPresent(type -> response.setHeader("Content-Type", type));
        response.setBody(new String(answer.body(), StandardCharsets.UTF_8));
        return response;
    }

}
