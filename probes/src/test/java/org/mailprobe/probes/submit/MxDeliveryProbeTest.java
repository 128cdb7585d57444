package org.mailprobe.probes.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.naming.directory.BasicAttribute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerTls;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.sink.ProbeSink;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.sink.SinkListener;
import org.mailprobe.probes.sink.SinkRefusal;
import org.mailprobe.probes.sink.SinkSettings;
import org.mailprobe.probes.testing.ScriptedServer;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

@Timeout(60)
class MxDeliveryProbeTest {
    static final TokenSigner SIGNER = new TokenSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String FROM = "agent@probe.test";
    static final String RCPT = "probe@sink.test";

    final List<SinkDelivery> sinkDeliveries = new CopyOnWriteArrayList<>();
    TestProvider provider;
    ProbeSink sink;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    static ProbeToken token() {
        return new ProbeToken("test-agent", "receive-1", 3, ProbeClock.system().now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** A receiving MTA on 127.0.0.1 for sink.test, offering STARTTLS with the test CA's localhost certificate or not. */
    int startSink(boolean offerTls) throws IOException {
        SinkSettings settings = SinkSettings.of(new InetSocketAddress("127.0.0.1", 0), Set.of("sink.test"), "localhost");
        if (offerTls) {
            settings = settings.withTls(ServerTls.fromPkcs12(TestCa.get().serverKeyStore(), Secret.of(TestCa.PASSWORD)),
                    false);
        }
        sink = new ProbeSink(settings, SIGNER, new SinkListener() {
            @Override
            public void delivered(SinkDelivery delivery) {
                sinkDeliveries.add(delivery);
            }

            @Override
            public void refused(SinkRefusal reason, String peer) {
                // a refusal shows as a failed delivery
            }
        }, ProbeClock.system());
        sink.start();
        return sink.port();
    }

    static MxDeliveryResult deliver(MxDeliverySettings settings, MxResolver resolver, String to) {
        return new MxDeliveryProbe(settings.withTimeouts(TestProvider.FAST), SIGNER, resolver, ProbeClock.system())
                .deliver(FROM, to, token(), Instant.now().plusSeconds(20));
    }

    static MxResolver noDns() {
        return (domain, deadline) -> {
            throw new AssertionError("no MX lookup expected for a configured host");
        };
    }

    @Test
    void aProbeIsDeliveredToAConfiguredHostAndIsAVerifiedProbe() throws Exception {
        provider = new TestProvider();
        MxDeliverySettings settings = MxDeliverySettings.toHost("localhost", provider.smtp().port(), "mta.probe.test")
                .withTls(TestProvider.trusted(), false);

        MxDeliveryResult result = deliver(settings, noDns(), TestProvider.USER);

        assertTrue(result.succeeded(), result.toString());
        assertEquals("localhost", result.exchange());
        assertTrue(result.delivery().lastReply().startsWith("250"), result.delivery().lastReply());
        assertFalse(result.accepted().isBefore(result.delivery().started()));
        MimeMessage[] received = provider.greenMail().getReceivedMessages();
        assertEquals(1, received.length);
        assertEquals("receive-1", SIGNER.verify(received[0].getHeader(TokenSigner.HEADER, null)).orElseThrow().route());
        assertFalse(result.delivery().stages().containsKey(Stage.AUTH), "an MTA does not log in");
    }

    @Test
    void startTlsIsUsedWhenTheServerOffersIt() throws Exception {
        int port = startSink(true);

        MxDeliveryResult result = deliver(MxDeliverySettings.toHost("localhost", port, "mta.probe.test")
                .withTls(TestProvider.trusted(), false), noDns(), RCPT);

        assertTrue(result.succeeded(), result.toString());
        assertTrue(result.tls());
        assertTrue(result.delivery().stages().containsKey(Stage.STARTTLS));
        assertTrue(sinkDeliveries.get(0).tls(), "the receiving side saw TLS too");
    }

    @Test
    void theDeliveryGoesOnInClearWhenStartTlsIsNotOffered() throws Exception {
        int port = startSink(false);

        MxDeliveryResult result = deliver(MxDeliverySettings.toHost("localhost", port, "mta.probe.test")
                .withTls(TestProvider.trusted(), false), noDns(), RCPT);

        assertTrue(result.succeeded(), result.toString());
        assertFalse(result.tls());
        assertEquals(1, sinkDeliveries.size());
        assertEquals("mta.probe.test", sinkDeliveries.get(0).heloName());
    }

    @Test
    void requiredStartTlsFailsWhenNotOfferedAndNothingIsSent() throws Exception {
        int port = startSink(false);

        MxDeliveryResult result = deliver(MxDeliverySettings.toHost("localhost", port, "mta.probe.test")
                .withTls(TestProvider.trusted(), true), noDns(), RCPT);

        assertEquals(Reason.STARTTLS, result.reason(), result.toString());
        assertEquals(List.of(), sinkDeliveries);
    }

    @Test
    void anUntrustedCertificateFailsOpportunisticStartTlsByDefault() throws Exception {
        int port = startSink(true);

        MxDeliveryResult result = deliver(MxDeliverySettings.toHost("localhost", port, "mta.probe.test"), noDns(), RCPT);

        assertEquals(Reason.CERTIFICATE, result.reason(), result.toString());
        assertEquals(List.of(), sinkDeliveries);
    }

    @Test
    void whenTheFirstExchangeRefusesTheConnectionTheNextIsUsed() throws Exception {
        int port = startSink(false); // bound to 127.0.0.1 only: 127.0.0.2 refuses
        MxResolver resolver = (domain, deadline) -> List.of("127.0.0.2", "127.0.0.1");

        MxDeliveryResult result = deliver(new MxDeliverySettings("sink.test", null, port, false,
                TestProvider.trusted(), Timeouts.DEFAULT, "mta.probe.test"), resolver, RCPT);

        assertTrue(result.succeeded(), result.toString());
        assertEquals(List.of("127.0.0.2", "127.0.0.1"), result.tried());
        assertEquals("127.0.0.1", result.exchange());
        assertEquals(1, sinkDeliveries.size());
        assertFalse(result.accepted().isBefore(sinkDeliveries.get(0).dataCompletedAt()),
                "accepted is the second exchange's 250, not the first one's failure");
    }

    @Test
    void anExchangeWhoseNameDoesNotResolveIsSkipped() throws Exception {
        int port = startSink(false);
        MxResolver resolver = (domain, deadline) -> List.of("no-such-host.invalid", "127.0.0.1");

        MxDeliveryResult result = deliver(new MxDeliverySettings("sink.test", null, port, false,
                TestProvider.trusted(), Timeouts.DEFAULT, "mta.probe.test"), resolver, RCPT);

        assertTrue(result.succeeded(), result.toString());
        assertEquals("127.0.0.1", result.exchange());
    }

    @Test
    void aRefusalAfterConnectingIsNotRetriedOnTheNextExchange() throws Exception {
        int port = startSink(false);
        MxResolver resolver = (domain, deadline) -> List.of("127.0.0.1", "localhost");

        MxDeliveryResult result = deliver(new MxDeliverySettings("sink.test", null, port, false,
                TestProvider.trusted(), Timeouts.DEFAULT, "mta.probe.test"), resolver, "someone@elsewhere.test");

        assertEquals(Reason.REJECTED, result.reason(), result.toString());
        assertEquals(List.of("127.0.0.1"), result.tried());
    }

    @Test
    void aDomainWithoutMxIsDeliveredToItsOwnAddress() throws Exception {
        int port = startSink(false);

        MxDeliveryResult result = deliver(new MxDeliverySettings("127.0.0.1", null, port, false,
                TestProvider.trusted(), Timeouts.DEFAULT, "mta.probe.test"), (domain, deadline) -> List.of(), RCPT);

        assertTrue(result.succeeded(), result.toString());
        assertEquals("127.0.0.1", result.exchange());
    }

    @Test
    void aDomainThatDoesNotExistIsADnsFailure() {
        MxResolver nxdomain = (domain, deadline) -> {
            throw new UnknownHostException(domain + ": no such domain");
        };

        MxDeliveryResult result = deliver(MxDeliverySettings.toDomain("nowhere.invalid", "mta.probe.test"), nxdomain,
                "someone@nowhere.invalid");

        assertEquals(Reason.DNS, result.reason());
        assertEquals(Stage.DNS, result.delivery().failedStage());
        assertEquals(List.of(), result.tried());
    }

    @Test
    void aSilentExchangeCostsOneProbeAtTheDeadline() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(null, line -> "")) {
            MxDeliveryProbe probe = new MxDeliveryProbe(MxDeliverySettings.toHost("localhost", silent.port(),
                    "mta.probe.test").withTimeouts(new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30))),
                    SIGNER, noDns(), ProbeClock.system());

            MxDeliveryResult result = probe.deliver(FROM, RCPT, token(), Instant.now().plusMillis(800));

            assertEquals(Reason.TIMEOUT, result.reason(), result.toString());
            assertEquals(Stage.GREETING, result.delivery().failedStage());
        }
    }

    @Test
    void mxRecordsAreOrderedByPreference() throws Exception {
        BasicAttribute mx = new BasicAttribute("MX");
        mx.add("20 backup.example.test.");
        mx.add("5 Primary.Example.Test.");
        mx.add("garbage");

        assertEquals(List.of("primary.example.test", "backup.example.test"), JndiMxResolver.sorted("example.test", mx));
    }

    @Test
    void aNullMxMeansTheDomainAcceptsNoMail() {
        BasicAttribute mx = new BasicAttribute("MX");
        mx.add("0 .");

        UnknownHostException e = assertThrows(UnknownHostException.class, () -> JndiMxResolver.sorted("example.test", mx));

        assertTrue(e.getMessage().contains("RFC 7505"), e.getMessage());
    }
}
