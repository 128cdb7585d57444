package org.mailprobe.probes.testing;

import com.icegreen.greenmail.imap.ImapServer;
import com.icegreen.greenmail.pop3.Pop3Server;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.time.Instant;
import org.mailprobe.probes.ProbeClock;

/**
 * An outage of one GreenMail server (IMAP or POP3) while the rest of the provider, its SMTP and its
 * mail store, carries on: mail delivered during the outage is there when the server comes back on
 * the same port, as with a Dovecot restart behind a running Postfix.
 */
public final class ServiceOutage implements AutoCloseable {
    private final GreenMail greenMail;
    private final String protocol;
    private final int port;
    private AbstractServer restarted;

    private ServiceOutage(TestProvider provider, String protocol, int port) {
        this.greenMail = provider.greenMail();
        this.protocol = protocol;
        this.port = port;
    }

    public static ServiceOutage imap(TestProvider provider) {
        return new ServiceOutage(provider, "imap", provider.imap().port());
    }

    public static ServiceOutage pop3(TestProvider provider) {
        return new ServiceOutage(provider, "pop3", provider.pop3().port());
    }

    /** Stops the server, dropping its connected clients. */
    public void stop() {
        AbstractServer current = restarted != null ? restarted
                : "imap".equals(protocol) ? greenMail.getImap() : greenMail.getPop3();
        current.stopService();
        restarted = null;
    }

    /** Starts the server again on its port, with the same users and mail; returns once it accepts connections. */
    public Instant restart() throws InterruptedException {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(10_000);
        AbstractServer server = "imap".equals(protocol) ? new ImapServer(setup, greenMail.getManagers())
                : new Pop3Server(setup, greenMail.getManagers());
        server.startService();
        if (!server.waitTillRunning(10_000)) {
            throw new IllegalStateException("the " + protocol + " server did not start again on port " + port);
        }
        restarted = server;
        return ProbeClock.system().now();
    }

    @Override
    public void close() {
        if (restarted != null) {
            restarted.stopService();
        }
    }
}
