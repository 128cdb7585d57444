package org.mailprobe.probes.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.time.Duration;
import java.util.List;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;

/**
 * A GreenMail mail provider on loopback with random ports: SMTP, SMTPS, IMAP, IMAPS, POP3, POP3S,
 * its TLS certificate signed by {@link TestCa} for {@code localhost}. Close it after the test.
 */
public final class TestProvider implements AutoCloseable {
    public static final String HOST = "localhost";
    public static final String USER = "probe@example.test";
    public static final String PASSWORD = "probe-secret-1";
    public static final Timeouts FAST = new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(5));

    private GreenMail greenMail;
    /** While stopped: the endpoints as they were, in the order smtp, smtps, imap, imaps, pop3, pop3s. */
    private List<ServerEndpoint> endpoints;

    public TestProvider() {
        TestCa.get();
        ServerSetup[] setups = {
            setup("smtp"), setup("smtps"), setup("imap"), setup("imaps"), setup("pop3"), setup("pop3s")
        };
        greenMail = new GreenMail(setups);
        greenMail.start();
        greenMail.setUser(USER, USER, PASSWORD);
    }

    /**
     * Stops every server, dropping connected clients, as a provider outage would. Stored mail and
     * users are lost; {@link #startOnSamePorts()} starts an empty provider on the same ports.
     */
    public void stopServers() {
        endpoints = List.of(smtp(), smtps(), imap(), imaps(), pop3(), pop3s());
        greenMail.stop();
    }

    /** After {@link #stopServers()}: a fresh provider on the same ports, with the same user. */
    public void startOnSamePorts() {
        ServerSetup[] setups = {
            setup("smtp", smtp().port()), setup("smtps", smtps().port()),
            setup("imap", imap().port()), setup("imaps", imaps().port()),
            setup("pop3", pop3().port()), setup("pop3s", pop3s().port())
        };
        greenMail = new GreenMail(setups);
        greenMail.start();
        greenMail.setUser(USER, USER, PASSWORD);
        endpoints = null;
    }

    private static ServerSetup setup(String protocol) {
        return setup(protocol, 0);
    }

    private static ServerSetup setup(String protocol, int port) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(10_000);
        return setup;
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    public Account account() {
        return new Account(USER, Secret.of(PASSWORD));
    }

    public Account accountWithPassword(String password) {
        return new Account(USER, Secret.of(password));
    }

    /** TLS policy trusting the test CA: what a correctly configured agent uses. */
    public static TlsPolicy trusted() {
        return TlsPolicy.trusting(TestCa.get().caPem());
    }

    public ServerEndpoint smtp() {
        if (endpoints != null) {
            return endpoints.get(0);
        }
        return new ServerEndpoint(HOST, greenMail.getSmtp().getPort(), TlsMode.PLAIN);
    }

    public ServerEndpoint smtps() {
        if (endpoints != null) {
            return endpoints.get(1);
        }
        return new ServerEndpoint(HOST, greenMail.getSmtps().getPort(), TlsMode.IMPLICIT);
    }

    public ServerEndpoint imap() {
        if (endpoints != null) {
            return endpoints.get(2);
        }
        return new ServerEndpoint(HOST, greenMail.getImap().getPort(), TlsMode.PLAIN);
    }

    public ServerEndpoint imaps() {
        if (endpoints != null) {
            return endpoints.get(3);
        }
        return new ServerEndpoint(HOST, greenMail.getImaps().getPort(), TlsMode.IMPLICIT);
    }

    public ServerEndpoint pop3() {
        if (endpoints != null) {
            return endpoints.get(4);
        }
        return new ServerEndpoint(HOST, greenMail.getPop3().getPort(), TlsMode.PLAIN);
    }

    public ServerEndpoint pop3s() {
        if (endpoints != null) {
            return endpoints.get(5);
        }
        return new ServerEndpoint(HOST, greenMail.getPop3s().getPort(), TlsMode.IMPLICIT);
    }

    /**
     * A copy of the test user's INBOX as the server stores it, flags included. GreenMail hands out
     * a view of its live list, which the server may change while a test reads it; the copy is
     * retried until it was taken without a change in between.
     */
    public java.util.List<com.icegreen.greenmail.store.StoredMessage> inbox() {
        while (true) {
            try {
                com.icegreen.greenmail.user.GreenMailUser user = greenMail.getUserManager().getUser(USER);
                java.util.List<com.icegreen.greenmail.store.StoredMessage> copy = new java.util.ArrayList<>();
                for (com.icegreen.greenmail.store.StoredMessage m
                        : greenMail.getManagers().getImapHostManager().getInbox(user).getMessages()) {
                    copy.add(m);
                }
                return copy;
            } catch (java.util.ConcurrentModificationException changedWhileCopying) {
                Thread.onSpinWait();
            } catch (com.icegreen.greenmail.store.FolderException e) {
                throw new IllegalStateException("cannot read the test INBOX", e);
            }
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
