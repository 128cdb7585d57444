package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.web.FeedEndpoint;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.token.TokenSigner;

/** The sink's feed serves only authenticated readers, no tokens, and stays small (issue 11). */
@Timeout(30)
class SinkFeedTest {
    static final TokenSigner SIGNER = new TokenSigner(TestConfigs.KEY);
    static final byte[] KEY = SIGNER.derive(AgentSink.FEED_KEY_PURPOSE);

    final SinkFeed feed = new SinkFeed(Instant::now, SIGNER, KEY);
    final FeedAuth auth = new FeedAuth(KEY);

    static SinkDelivery delivery(long seq, String helo) {
        Instant now = Instant.now();
        return new SinkDelivery(new ProbeToken("test-agent", "send-1", seq, now), "192.0.2.1:4000", helo, now, now, now,
                "", "a@probe.test", List.of("probe@sink.test"), List.of("x".repeat(60_000)));
    }

    FeedEndpoint.Answer ask(String query, Instant at) {
        return feed.answer(query, auth.authorize("/sink/deliveries?" + query, at));
    }

    @Test
    void aRequestWithoutCredentialsIsRefusedAndSeesNothing() {
        feed.append(delivery(1, "mx.test"));

        FeedEndpoint.Answer a = feed.answer("after=0&nonce=" + FeedAuth.nonce(), null);

        assertEquals(401, a.status());
        assertFalse(a.body().contains("test-agent"), a.body());
    }

    @Test
    void credentialsMadeWithAnotherKeyAreRefused() {
        FeedAuth other = new FeedAuth("another-feed-key-of-32-bytes!!!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String query = "after=0&nonce=" + FeedAuth.nonce();

        assertEquals(401, feed.answer(query, other.authorize("/sink/deliveries?" + query, Instant.now())).status());
    }

    @Test
    void credentialsForAnotherQueryAreRefused() {
        String query = "after=0&nonce=" + FeedAuth.nonce();
        String credentials = auth.authorize("/sink/deliveries?" + query, Instant.now());

        assertEquals(401, feed.answer("after=5&nonce=" + FeedAuth.nonce(), credentials).status());
    }

    @Test
    void credentialsOlderThanTheSkewAreRefused() {
        assertEquals(401, ask("after=0&nonce=" + FeedAuth.nonce(), Instant.now().minus(Duration.ofMinutes(10))).status());
    }

    @Test
    void anAuthenticatedAnswerIsSignedAndServesAHashNotTheToken() {
        SinkDelivery d = delivery(1, "mx.test");
        feed.append(d);

        FeedEndpoint.Answer a = ask("after=0&nonce=" + FeedAuth.nonce(), Instant.now());

        assertEquals(200, a.status(), a.body());
        assertTrue(auth.verify(a.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                a.headers().get(FeedAuth.SIGNATURE_HEADER)));
        String signed = SIGNER.sign(d.token());
        assertFalse(a.body().contains(signed.substring(signed.indexOf("s=") + 2)), "no token MAC in the feed");
        assertTrue(a.body().contains(SinkFeed.tokenSha256(SIGNER, d.token())), a.body());
        assertFalse(a.body().contains("xxxxxxxxxx"), "no Received headers in the feed");
    }

    @Test
    void theFeedIsBoundedInEntriesAndBytesWhateverTheDeliveriesCarry() {
        for (long seq = 1; seq <= SinkFeed.CAPACITY + 500; seq++) {
            feed.append(delivery(seq, "h".repeat(10_000)));
        }

        assertTrue(feed.size() <= SinkFeed.CAPACITY, "entries: " + feed.size());
        assertTrue(feed.bytes() <= SinkFeed.MAX_BYTES, "bytes: " + feed.bytes());
    }

    @Test
    void oneAnswerHoldsAtMostAPageAndSaysThereIsMore() throws Exception {
        for (long seq = 1; seq <= SinkFeed.PAGE + 10; seq++) {
            feed.append(delivery(seq, "mx.test"));
        }

        FeedEndpoint.Answer a = ask("after=0&nonce=" + FeedAuth.nonce(), Instant.now());

        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(a.body());
        assertEquals(SinkFeed.PAGE, root.path("deliveries").size());
        assertTrue(root.path("more").asBoolean());
        assertEquals(SinkFeed.PAGE, root.path("last_seq").asLong());
    }
}
