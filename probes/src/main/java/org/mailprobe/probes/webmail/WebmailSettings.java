package org.mailprobe.probes.webmail;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.MailboxName;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;

/**
 * What a webmail watcher needs.
 *
 * @param url the webmail's base URL (Roundcube: where its {@code index.php} answers), http or https
 * @param driver which driver speaks to it
 * @param form the generic form driver's settings; null unless {@code driver} is {@link Driver#FORM}
 * @param account the mailbox's login
 * @param tls certificate policy for https; verified by default
 * @param timeouts connect timeout, and read timeout of each request
 * @param folder the folder looked into; default INBOX
 * @param pollInterval how often to look; default {@link #DEFAULT_POLL_INTERVAL}
 * @param localHost the name this agent gives itself (in the User-Agent)
 * @param ownAgentId this agent's id (a webmail watcher deletes nothing, but the loop needs it)
 */
public record WebmailSettings(URI url, Driver driver, @Nullable FormLoginSettings form, Account account, TlsPolicy tls,
        Timeouts timeouts, String folder, Duration pollInterval, String localHost, String ownAgentId) {
    /** 5 s, as POP3: a mean detection delay of 2.5 s for one search request per poll. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    /** The drivers there are. */
    public enum Driver {
        /** Roundcube 1.6, by its own login form and AJAX list/search requests. */
        ROUNDCUBE,
        /** Any webmail with a login form, configured by {@link FormLoginSettings}. */
        FORM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public WebmailSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(localHost, "localHost");
        Objects.requireNonNull(ownAgentId, "ownAgentId");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("the webmail URL must be an absolute http or https URL");
        }
        if ((driver == Driver.FORM) != (form != null)) {
            throw new IllegalArgumentException("form settings are given exactly for the form driver");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
    }

    /** The server as host, port and TLS mode: https is implicit TLS. */
    public ServerEndpoint endpoint() {
        return endpointOf(url);
    }

    public static ServerEndpoint endpointOf(URI url) {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        return new ServerEndpoint(url.getHost(), port, https ? TlsMode.IMPLICIT : TlsMode.PLAIN);
    }

    /** {@code user@host:port/folder}, as the IMAP and POP3 watchers name theirs: {@link MailboxName}. */
    public String mailboxName() {
        return MailboxName.of(account.user(), endpoint(), folder);
    }

    /** A driver for these settings, dating each answer by {@code clock}. */
    public WebmailDriver newDriver(ProbeClock clock) {
        String agent = "mailprobe/" + localHost;
        WebmailHttp http = new WebmailHttp(tls, timeouts, agent, clock);
        return driver == Driver.ROUNDCUBE ? new RoundcubeDriver(this, http, clock)
                : new FormLoginDriver(this, http, clock);
    }
}
