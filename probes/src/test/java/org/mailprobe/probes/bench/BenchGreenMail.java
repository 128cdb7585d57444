package org.mailprobe.probes.bench;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.pop3.Pop3Server;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;

/**
 * GreenMail with plain IMAP, POP3 and SMTP on loopback, optionally with TCP_NODELAY on the IMAP
 * and POP3 sockets it accepts. Stock GreenMail writes and flushes every response line on its own,
 * so with Nagle's algorithm each second line of a response waits for the client's delayed ACK
 * (about 40 ms on Linux): a test-server cost that real servers, which buffer a response or set
 * TCP_NODELAY, do not have. Running the benchmark on both tells that part of the error from ours.
 */
final class BenchGreenMail extends GreenMail {
    private final boolean noDelay;
    private AbstractServer imap;
    private AbstractServer pop3;

    BenchGreenMail(boolean noDelay) {
        super(new ServerSetup[] {setup("smtp"), setup("imap"), setup("pop3")});
        this.noDelay = noDelay;
    }

    private static ServerSetup setup(String protocol) {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(10_000);
        return setup;
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers mgr) {
        Map<String, AbstractServer> services = super.createServices(config, mgr);
        if (noDelay) {
            // ImapServer is final; its one method is copied here. ImapHandler is public.
            services.put(ServerSetup.PROTOCOL_IMAP, new AbstractServer(services.get(ServerSetup.PROTOCOL_IMAP)
                    .getServerSetup(), mgr) {
                @Override
                protected ProtocolHandler createProtocolHandler(Socket clientSocket) {
                    return new ImapHandler(managers.getUserManager(), managers.getImapHostManager(), clientSocket);
                }

                @Override
                protected void handleClientSocket(Socket clientSocket) throws SocketException {
                    clientSocket.setTcpNoDelay(true);
                    super.handleClientSocket(clientSocket);
                }
            });
            services.put(ServerSetup.PROTOCOL_POP3, new Pop3Server(services.get(ServerSetup.PROTOCOL_POP3)
                    .getServerSetup(), mgr) {
                @Override
                protected void handleClientSocket(Socket clientSocket) throws SocketException {
                    clientSocket.setTcpNoDelay(true);
                    super.handleClientSocket(clientSocket);
                }
            });
        }
        imap = services.get(ServerSetup.PROTOCOL_IMAP);
        pop3 = services.get(ServerSetup.PROTOCOL_POP3);
        return services;
    }

    int imapPort() {
        return imap.getPort();
    }

    int pop3Port() {
        return pop3.getPort();
    }
}
