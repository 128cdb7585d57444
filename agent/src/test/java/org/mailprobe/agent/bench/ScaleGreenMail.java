package org.mailprobe.agent.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;

/**
 * The provider of {@link ScaleBenchmark}, in a JVM of its own so that the agent's CPU and memory
 * are measured alone: GreenMail with plain SMTP and IMAP on loopback and {@code users} mailboxes
 * {@code u0@bench.test}... with the password given. Prints its ports on one line, then runs until
 * its standard input ends (the benchmark exits or closes it).
 *
 * <p>Arguments: {@code users password}.
 */
public final class ScaleGreenMail {
    private ScaleGreenMail() {}

    public static void main(String[] args) throws IOException {
        int users = Integer.parseInt(args[0]);
        String password = args[1];
        GreenMail greenMail = new GreenMail(new ServerSetup[] {setup("smtp"), setup("imap")});
        greenMail.start();
        for (int i = 0; i < users; i++) {
            String address = address(i);
            greenMail.setUser(address, address, password);
        }
        System.out.println("ports smtp=" + greenMail.getSmtp().getPort() + " imap=" + greenMail.getImap().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing is sent on stdin; its end is the signal to stop.
        }
        greenMail.stop();
    }

    static String address(int i) {
        return "u" + i + "@bench.test";
    }

    private static ServerSetup setup(String protocol) {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(30_000);
        return setup;
    }
}
