package org.mailprobe.probes.watch;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.webmail.WebmailDriver;
import org.mailprobe.probes.webmail.WebmailException;
import org.mailprobe.probes.webmail.WebmailSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a webmail for probes, as a user would see them there: one search per poll through the
 * webmail's own requests, in a session kept between polls and renewed by a fresh login when it
 * ends. A message listed for the first time has its token verified from its source before it is
 * reported; the arrival time is when the listing that first showed it was answered. Read-only:
 * nothing is deleted, moved or flagged (the IMAP or POP3 watcher of the same mailbox cleans up).
 * Never logs page content, cookies, form tokens or the password.
 */
public final class WebmailArrivalWatcher extends WatcherLoop {
    private static final Logger logger = LoggerFactory.getLogger(WebmailArrivalWatcher.class);
    /** The logout on close gets this long, inside the loop's {@link #CLOSE_WAIT}. */
    static final Duration LOGOUT_WAIT = Duration.ofSeconds(2);

    private final WebmailSettings webmail;
    private final WebmailDriver driver;
    // Touched only by the watcher thread.
    /** Ids already looked at, cut down each poll to those still listed. */
    private final Set<String> seen = new HashSet<>();
    private boolean loggedIn;
    private Duration lastLogin = Duration.ZERO;

    /** @param clock dates each arrival (the driver's answers): the same clock as the probes */
    public WebmailArrivalWatcher(WebmailSettings settings, TokenSigner signer, ArrivalListener listener,
            ProbeClock clock) {
        this(settings, settings.newDriver(clock), signer, listener, clock);
    }

    WebmailArrivalWatcher(WebmailSettings settings, WebmailDriver driver, TokenSigner signer,
            ArrivalListener listener, ProbeClock clock) {
        super(watchSettings(settings), signer, listener, clock, logger);
        this.webmail = settings;
        this.driver = driver;
    }

    @Override
    public AccessPath path() {
        return AccessPath.WEBMAIL;
    }

    @Override
    void watch() throws Exception {
        long started = System.nanoTime();
        new Poll().run();
        pause(webmail.pollInterval().minus(Duration.ofNanos(System.nanoTime() - started)));
    }

    /** Each call to the webmail gets a connect and a read timeout's worth of time. */
    private Instant deadline() {
        return clock.now().plus(webmail.timeouts().connect()).plus(webmail.timeouts().read());
    }

    private void skipped(String why) {
        try {
            listenerSkipped(why);
        } catch (RuntimeException e) {
            logger.warn("The arrival listener threw on a skipped entry; ignored. mailbox={}", mailbox(), e);
        }
    }

    @Override
    void stopping() {
        driver.abort();
    }

    @Override
    void stopped() {
        if (loggedIn) {
            loggedIn = false;
            driver.logout(clock.now().plus(LOGOUT_WAIT));
            logger.debug("Logged out of the webmail. mailbox={}", mailbox());
        }
    }

    private interface Call<T> {
        T run() throws IOException, DeadlineExceededException;
    }

    /** One poll: at most one fresh login when the session turns out to have ended. */
    private final class Poll {
        private boolean renewed;

        void run() throws IOException, DeadlineExceededException {
            if (!loggedIn) {
                login();
            }
            WebmailDriver.Listing listing = inSession(() -> driver.find(deadline()));
            connectedWell(); // logged in and searched: healthy, even while the first look at old mail goes on
            Set<String> present = new HashSet<>();
            for (WebmailDriver.Listed listed : listing.messages()) {
                present.add(listed.id());
                if (!seen.contains(listed.id())) {
                    examine(listed, listing);
                    seen.add(listed.id());
                }
            }
            seen.retainAll(present);
        }

        private void login() throws IOException, DeadlineExceededException {
            lastLogin = driver.login(deadline());
            loggedIn = true;
            logger.debug("Logged in to the webmail. mailbox={} tookMs={}", mailbox(), lastLogin.toMillis());
        }

        private <T> T inSession(Call<T> call) throws IOException, DeadlineExceededException {
            try {
                return call.run();
            } catch (WebmailException e) {
                if (!e.sessionLost() || renewed) {
                    throw e;
                }
                renewed = true;
                loggedIn = false;
                logger.info("The webmail session has ended; logging in again. mailbox={}", mailbox());
                login();
                return call.run();
            }
        }

        private void examine(WebmailDriver.Listed listed, WebmailDriver.Listing listing)
                throws IOException, DeadlineExceededException {
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("webmail_driver", webmail.driver().label());
            evidence.put("login_ms", Long.toString(lastLogin.toMillis()));
            evidence.put("search_ms", Long.toString(listing.took().toMillis()));
            java.util.List<String> tokens = listed.tokens();
            java.util.List<String> received = java.util.List.of();
            if (tokens.isEmpty()) {
                WebmailDriver.Source source;
                try {
                    source = inSession(() -> driver.source(listed.id(), deadline()));
                } catch (WebmailException e) {
                    if (!e.isOversized() && e.reason() != Reason.SEARCH) {
                        throw e;
                    }
                    // One poisoned message (a huge mail with our subject prefix, a source we cannot
                    // read) must not fail every poll nor hide the probes listed after it: skipped,
                    // counted, and remembered while listed (the caller adds it to seen).
                    String why = e.isOversized() ? "oversized" : "unparsable";
                    logger.warn("A webmail entry is skipped and not looked at again while listed. mailbox={} id={} "
                            + "reason={} error={}", mailbox(), listed.id(), why, e.getMessage());
                    skipped(why);
                    return;
                }
                tokens = source.tokens();
                received = source.received();
                evidence.put("source_ms", Long.toString(source.took().toMillis()));
            }
            if (renewed) {
                evidence.put("session_renewed", "true");
            }
            Optional<ProbeToken> token = tokens.size() == 1 ? signer.verify(tokens.get(0)) : Optional.empty();
            if (token.isEmpty()) {
                return; // not ours, or forged: never reported
            }
            logger.debug("A probe was seen. mailbox={} id={} probe={}", mailbox(), listed.id(), token.get().key());
            // Read-only: whatever the listener answers, nothing is deleted through the webmail.
            report(new Arrival(token.get(), AccessPath.WEBMAIL, mailbox(), listing.answeredAt(), null, received,
                    evidence));
        }
    }

    /** The shared watcher loop's view of a webmail mailbox: never deletes, never idles. */
    static WatchSettings watchSettings(WebmailSettings webmail) {
        return new WatchSettings(webmail.endpoint(), webmail.account(), webmail.tls(), webmail.timeouts(),
                webmail.folder(), webmail.pollInterval(), Duration.ofSeconds(60), false, webmail.localHost(),
                webmail.ownAgentId(), false);
    }
}
