package org.mailprobe.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.BoundedBody;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the deliveries of a sink run elsewhere ({@code mailprobe sink}) from its feed, once a
 * second, and reports them as arrivals on path {@code sink}. The sink's timestamps are on its
 * clock; each poll measures that clock against ours (the sink's {@code now} against the middle of
 * our request, as NTP does), so a converted timestamp is off by at most half the round trip, which
 * is recorded with it.
 *
 * <p>The feed is untrusted until proven: each request is authenticated and each answer must carry
 * the sink's MAC over its body and echo the request's nonce ({@link FeedAuth}), or it is refused
 * whole and counted, and nothing from it enters a figure. The whole exchange, headers and body,
 * ends at {@link Settings#timeout()}, and a body beyond {@link Settings#maxBytes()} is refused, so
 * a hostile or broken feed costs one poll; the thread is a daemon and ends at {@link #close()}.
 * https is verified (a private CA by {@code ca_file}); plain http only when asked for explicitly.
 */
final class RemoteSinkFeed implements AutoCloseable {
    static final Duration POLL = Duration.ofSeconds(1);
    private static final Logger logger = LoggerFactory.getLogger(RemoteSinkFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why an answer was refused: closed, usable as a metric label. */
    enum Refusal {
        BAD_SIGNATURE, REPLAYED_ANSWER, TOO_LARGE, TIMEOUT, HTTP_ERROR, UNREADABLE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param caFile PEM CA to trust for https instead of the JVM's; null: the JVM's
     * @param insecurePlainHttp allow an {@code http:} URL (the feed then travels in clear)
     * @param timeout the longest one exchange, headers and body, may take
     * @param maxBytes the largest answer accepted
     */
    record Settings(java.nio.file.@Nullable Path caFile, boolean insecurePlainHttp, Duration timeout, long maxBytes) {}

    private final URI feed;
    private final String mailbox;
    private final TokenSigner signer;
    private final FeedAuth auth;
    private final ArrivalListener listener;
    private final ProbeClock clock;
    private final Settings settings;
    private final java.util.function.Consumer<Refusal> refused;
    private final java.util.concurrent.ExecutorService httpThreads;
    private final HttpClient http;
    private final Thread thread;
    private final ClockSamples clockSamples = new ClockSamples();
    private volatile boolean running = true;
    private volatile boolean healthy;
    /**
     * Starts at 0: the feed's older deliveries include this agent's probes sent before a restart,
     * which the journal expects again; other agents' probes are ignored by the listener.
     */
    private long after;
    private boolean warned;

    /** @throws IllegalArgumentException for an http URL without {@code insecurePlainHttp} */
    RemoteSinkFeed(URI base, Settings settings, byte[] feedKey, String mailbox, TokenSigner signer,
            ArrivalListener listener, ProbeClock clock, java.util.function.Consumer<Refusal> refused) {
        if (!"https".equals(base.getScheme()) && !settings.insecurePlainHttp()) {
            throw new IllegalArgumentException("the remote sink feed " + base + " is not https; plain http needs "
                    + "insecure_plain_http: true");
        }
        this.feed = base.resolve("/sink/deliveries");
        this.settings = settings;
        this.mailbox = mailbox;
        this.signer = signer;
        this.auth = new FeedAuth(feedKey);
        this.listener = listener;
        this.clock = clock;
        this.refused = refused;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        // Daemon threads, ended at close(): a stuck exchange never keeps the JVM from exiting.
        this.httpThreads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mailprobe-remote-sink-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).executor(httpThreads);
        if (settings.caFile() != null) {
            builder.sslContext(org.mailprobe.probes.TlsPolicy.trusting(settings.caFile()).sslContext());
        }
        this.http = builder.build();
        this.thread = new Thread(this::run, "mailprobe-remote-sink");
        thread.setDaemon(true);
    }

    void start() {
        if (!"https".equals(feed.getScheme())) {
            logger.warn("INSECURE: reading the remote sink's feed over plain http (insecure_plain_http: true); "
                    + "anyone on the path can read it, and only its MAC keeps it authentic. feed={}", feed);
        }
        thread.start();
    }

    boolean healthy() {
        return healthy;
    }

    /** Whether the reading thread is still alive (it ends at {@link #close()}). */
    boolean alive() {
        return thread.isAlive();
    }

    private void run() {
        while (running) {
            try {
                pollOnce();
                healthy = true;
                warned = false;
            } catch (IOException | RuntimeException e) {
                if (!warned) {
                    warned = true;
                    logger.warn("Cannot read the remote sink's feed; retrying every {}s. feed={} error=\"{}\"",
                            POLL.toSeconds(), feed, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                healthy = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One authenticated exchange; reports every new delivery of a verified answer. */
    void pollOnce() throws IOException, InterruptedException {
        String query = "after=" + after + "&nonce=" + FeedAuth.nonce();
        String nonce = query.substring(query.indexOf("nonce=") + "nonce=".length());
        Instant sent = clock.now();
        byte[] body = exchange(URI.create(feed + "?" + query), auth.authorize("/sink/deliveries?" + query, sent));
        Instant back = clock.now();
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw refuse(Refusal.UNREADABLE, "its body is not JSON");
        }
        if (!nonce.equals(root.path("nonce").asText(null))) {
            throw refuse(Refusal.REPLAYED_ANSWER, "it does not answer this request (nonce)");
        }
        Instant sinkNow;
        try {
            sinkNow = Instant.parse(root.path("now").asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw refuse(Refusal.UNREADABLE, "its now is not a time");
        }
        Duration roundTrip = Duration.between(sent, back);
        Instant middle = sent.plus(roundTrip.dividedBy(2));
        // Added to a sink timestamp, gives ours; error at most half the round trip.
        ClockSample sample = clockSamples.add(new ClockSample(Duration.between(sinkNow, middle), roundTrip.dividedBy(2)));
        Duration toOurs = sample.toOurs();
        long last = root.path("last_seq").asLong();
        if (root.path("missed").asBoolean()) {
            logger.warn("Fell behind the remote sink's feed; some deliveries were missed. feed={}", feed);
        }
        for (SinkDelivery d : deliveries(root.path("deliveries"), toOurs)) {
            Map<String, String> more = new LinkedHashMap<>();
            more.put("sink_clock_offset_ms", Long.toString(toOurs.negated().toMillis()));
            more.put("sink_clock_uncertainty_ms", Long.toString(sample.uncertainty().toMillis()));
            listener.onArrival(d.arrival(mailbox, more));
        }
        // The sink's own word, authenticated: also right when a restarted sink counts from 1 again.
        after = last;
    }

    /** The body of a 200 answer whose MAC verifies, read in full by the deadline; else refused. */
    private byte[] exchange(URI uri, String credentials) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header(org.mailprobe.agent.web.FeedEndpoint.AUTH_HEADER, credentials).GET().build();
        AtomicReference<BoundedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> {
            BoundedBody b = new BoundedBody(settings.maxBytes());
            body.set(b);
            return b;
        });
        HttpResponse<byte[]> response;
        try {
            response = pending.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abort(pending, body.get());
            throw refuse(Refusal.TIMEOUT, "no complete answer within " + settings.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            abort(pending, body.get());
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof BoundedBody.TooLarge) {
                    throw refuse(Refusal.TOO_LARGE, t.getMessage());
                }
                if (t instanceof java.net.http.HttpTimeoutException) {
                    throw refuse(Refusal.TIMEOUT, "no answer within " + settings.timeout().toMillis() + " ms");
                }
            }
            throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
        }
        if (response.statusCode() != 200) {
            throw refuse(Refusal.HTTP_ERROR, "HTTP " + response.statusCode());
        }
        if (!auth.verify(response.body(), response.headers().firstValue(FeedAuth.SIGNATURE_HEADER).orElse(null))) {
            throw refuse(Refusal.BAD_SIGNATURE, "its MAC does not verify under the feed key");
        }
        return response.body();
    }

    private static void abort(CompletableFuture<?> pending, @Nullable BoundedBody body) {
        pending.cancel(true);
        if (body != null) {
            body.abort();
        }
    }

    private IOException refuse(Refusal reason, @Nullable String why) {
        refused.accept(reason);
        return new IOException("refused the remote sink's answer: " + why + " (" + reason.label() + ")");
    }

    private List<SinkDelivery> deliveries(JsonNode list, Duration toOurs) {
        List<SinkDelivery> out = new ArrayList<>();
        for (JsonNode o : list) {
            Optional<ProbeToken> token = token(o);
            if (token.isEmpty()) {
                continue; // signed under another key: another set of agents' probe
            }
            out.add(new SinkDelivery(token.get(), o.path("peer").asText(""), o.path("helo").asText(""),
                    ours(o, "connected_at", toOurs), ours(o, "mail_from_at", toOurs),
                    ours(o, "data_completed_at", toOurs), o.path("tls").asText(""), "", List.of(), List.of()));
        }
        return out;
    }

    /** The entry's probe, if the hash of its token signed under our key is the one the sink saw. */
    private Optional<ProbeToken> token(JsonNode o) {
        try {
            ProbeToken token = new ProbeToken(o.path("agent").asText(), o.path("route").asText(),
                    o.path("sequence").asLong(-1), Instant.ofEpochMilli(o.path("sent_at_ms").asLong()));
            byte[] ours = SinkFeed.tokenSha256(signer, token).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] theirs = o.path("token_sha256").asText("").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            return java.security.MessageDigest.isEqual(ours, theirs) ? Optional.of(token) : Optional.empty();
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    private static Instant ours(JsonNode o, String field, Duration toOurs) {
        return Instant.parse(o.path(field).asText()).plus(toOurs);
    }

    /** One measurement of the sink's clock: add {@code toOurs} to a sink time; off by at most {@code uncertainty}. */
    record ClockSample(Duration toOurs, Duration uncertainty) {}

    /**
     * The best of the last few measurements: the one with the shortest round trip, as NTP does,
     * since a slow request (the first, which also connects; one that waited on a busy host) can
     * put the sink's reading anywhere in it.
     */
    static final class ClockSamples {
        static final int KEPT = 16;
        private final java.util.ArrayDeque<ClockSample> recent = new java.util.ArrayDeque<>();

        ClockSample add(ClockSample s) {
            recent.addLast(s);
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
            ClockSample best = s;
            for (ClockSample c : recent) {
                if (c.uncertainty().compareTo(best.uncertainty()) < 0) {
                    best = c;
                }
            }
            return best;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        httpThreads.shutdownNow();
    }
}
