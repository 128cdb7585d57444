package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.TokenEndpointStub;

/**
 * A watcher counts as settled (the agent's first cycle waits for it, a one-shot probe then writes
 * its report) only once its failure has been reported: OAuthLoopInteropIT once saw a one-shot
 * report without the IMAP watcher's {@code token} failure, as the watcher was counted settled
 * before the report had heard of its failure.
 */
@Timeout(60)
class WatchersSettledTest {
    @Test
    void anImapWatcherWhoseTokenIsRefusedIsSettledOnlyOnceItsFailureIsReported() throws Exception {
        CountDownLatch reporting = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        WatcherEvents slowToHear = new WatcherEvents() {
            @Override
            public void failed(MailboxKey watch, Reason reason) {
                reporting.countDown();
                try {
                    reported.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ArrivalListener arrivals = arrival -> false;
        try (TestProvider provider = new TestProvider(); TokenEndpointStub endpoint = new TokenEndpointStub();
                BearerTokens tokens = endpoint.open(Duration.ofSeconds(30))) {
            endpoint.refuseWith401();
            Account oauth = Account.oauth(TestProvider.USER, new OAuthLogin(tokens, OAuthMechanism.XOAUTH2));
            AgentConfig config = TestConfigs.loop(provider, oauth, provider.smtp(), Duration.ofMinutes(1),
                    AccessPath.IMAP);
            try (Watchers watchers = new Watchers(config.routes(), "test-agent", "probe.test",
                    config.agent().signer(), arrivals, slowToHear, ProbeClock.system())) {
                watchers.start();

                assertTrue(reporting.await(30, TimeUnit.SECONDS), "the IMAP watcher's token failure was never reported");
                int whileReporting = watchers.settled();
                reported.countDown();

                assertEquals(0, whileReporting, "settled while its failure was still being reported");
            }
        }
    }
}
