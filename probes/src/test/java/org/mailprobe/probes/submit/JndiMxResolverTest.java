package org.mailprobe.probes.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.testing.FakeDns;

/** The JDK's DNS client against a DNS server on loopback: no real DNS needed. */
@Timeout(60)
class JndiMxResolverTest {
    static Instant inSeconds(long s) {
        return ProbeClock.system().now().plusSeconds(s);
    }

    @Test
    void exchangesComeInPreferenceOrder() throws Exception {
        try (FakeDns dns = new FakeDns(Map.of("example.test", List.of("20 backup.example.test", "10 mx.example.test")),
                false)) {
            List<String> mx = new JndiMxResolver(List.of(dns.address()), ProbeClock.system()).exchanges("example.test", inSeconds(10));

            assertEquals(List.of("mx.example.test", "backup.example.test"), mx);
        }
    }

    @Test
    void aDomainWithoutMxRecordsHasNoExchanges() throws Exception {
        try (FakeDns dns = new FakeDns(Map.of("bare.test", List.of()), false)) {
            assertEquals(List.of(), new JndiMxResolver(List.of(dns.address()), ProbeClock.system()).exchanges("bare.test", inSeconds(10)));
        }
    }

    @Test
    void aDomainThatDoesNotExistIsUnknown() throws Exception {
        try (FakeDns dns = new FakeDns(Map.of(), false)) {
            UnknownHostException e = assertThrows(UnknownHostException.class,
                    () -> new JndiMxResolver(List.of(dns.address()), ProbeClock.system()).exchanges("nowhere.test", inSeconds(10)));

            assertTrue(e.getMessage().contains("nowhere.test"), e.getMessage());
        }
    }

    @Test
    void aNullMxIsUnknown() throws Exception {
        try (FakeDns dns = new FakeDns(Map.of("nomail.test", List.of("0 .")), false)) {
            UnknownHostException e = assertThrows(UnknownHostException.class,
                    () -> new JndiMxResolver(List.of(dns.address()), ProbeClock.system()).exchanges("nomail.test", inSeconds(10)));

            assertTrue(e.getMessage().contains("RFC 7505"), e.getMessage());
        }
    }

    @Test
    void aSilentResolverGivesUpByTheDeadline() throws Exception {
        try (FakeDns dns = new FakeDns(Map.of(), true)) {
            Instant start = ProbeClock.system().now();
            Instant deadline = start.plusMillis(1500);

            Exception e = assertThrows(Exception.class,
                    () -> new JndiMxResolver(List.of(dns.address()), ProbeClock.system()).exchanges("example.test", deadline));

            assertTrue(e instanceof DeadlineExceededException || e instanceof UnknownHostException, e.toString());
            Duration took = Duration.between(start, ProbeClock.system().now());
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "bounded by the deadline: " + took);
        }
    }
}
