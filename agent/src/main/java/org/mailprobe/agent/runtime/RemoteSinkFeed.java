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
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.SinkDelivery;
import org.mailprobe.probes.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the deliveries of a sink run elsewhere ({@code mailprobe sink}) from its feed, once a
 * second, and reports them as arrivals on path {@code sink}. The sink's timestamps are on its
 * clock; each poll measures that clock against ours (the sink's {@code now} against the middle of
 * our request, as NTP does), so a converted timestamp is off by at most half the round trip, which
 * is recorded with it. Tokens are verified again under this agent's key.
 */
final class RemoteSinkFeed implements AutoCloseable {
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Logger logger = LoggerFactory.getLogger(RemoteSinkFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI feed;
    private final String mailbox;
    private final TokenSigner signer;
    private final ArrivalListener listener;
    private final ProbeClock clock;
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

    RemoteSinkFeed(URI base, String mailbox, TokenSigner signer, ArrivalListener listener, ProbeClock clock) {
        this.feed = base.resolve("/sink/deliveries");
        this.mailbox = mailbox;
        this.signer = signer;
        this.listener = listener;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.thread = new Thread(this::run, "mailprobe-remote-sink");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean healthy() {
        return healthy;
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

    /** One request; reports every new delivery. */
    void pollOnce() throws IOException, InterruptedException {
        URI uri = URI.create(feed + "?after=" + after);
        Instant sent = clock.now();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Instant back = clock.now();
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        JsonNode root = JSON.readTree(response.body());
        Instant sinkNow = Instant.parse(root.path("now").asText());
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
        after = Math.max(after, last);
    }

    private List<SinkDelivery> deliveries(JsonNode list, Duration toOurs) {
        List<SinkDelivery> out = new ArrayList<>();
        for (JsonNode o : list) {
            Optional<ProbeToken> token = signer.verify(o.path("token").asText(null));
            if (token.isEmpty()) {
                continue; // signed under another key: another set of agents' probe
            }
            List<String> rcpt = new ArrayList<>();
            o.path("recipients").forEach(r -> rcpt.add(r.asText()));
            List<String> received = new ArrayList<>();
            o.path("received").forEach(r -> received.add(r.asText()));
            out.add(new SinkDelivery(token.get(), o.path("peer").asText(""), o.path("helo").asText(""),
                    ours(o, "connected_at", toOurs), ours(o, "mail_from_at", toOurs),
                    ours(o, "data_completed_at", toOurs), o.path("tls").asText(""), o.path("envelope_from").asText(""),
                    rcpt, received));
        }
        return out;
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
    }
}
