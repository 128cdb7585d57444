package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class CheckConfigFilterRouteTest {
    @TempDir
    Path dir;

    final Cli cli = new Cli();

    @Test
    void aShortTimeoutWarningNamesTheRoutesOwnIndexWhenAFilterRouteComesFirst() throws IOException {
        Files.writeString(dir.resolve("key.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(dir.resolve("a.pw"), "secret-a\n");
        Path config = Files.writeString(dir.resolve("agent.yml"), String.join("\n",
                "agent:", "  id: hq-probe-1", "  site: hq", "  key_file: key.secret",
                "servers:", "  smtp:", "    protocol: smtp", "    host: smtp.example.com",
                "  imap:", "    protocol: imap", "    host: imap.example.com",
                "accounts:", "  alice:", "    address: alice@example.com", "    password_file: a.pw",
                "routes:", "  - name: filter-in", "    kind: filter", "    from_address: samples@agent.example.net",
                "    to: alice", "    watch: [{path: imap, server: imap}]",
                "  - name: loop-alice", "    kind: loop", "    from: alice", "    submit_via: smtp", "    to: alice",
                "    timeout: 2m", "    watch:", "      - path: imap", "        server: imap", ""));

        int code = cli.run("check-config", "--config", config.toString());

        assertEquals(ExitCodes.OK, code, cli.out + "" + cli.err);
        assertTrue(cli.out.toString().contains("WARNING: " + config + ": routes[1].timeout: 2m (route loop-alice)"),
                cli.out.toString());
    }

    @Test
    void checkConfigListsAFilterRouteWithWhatItSendsWhereAndWhereItLooks() throws IOException {
        Files.writeString(dir.resolve("key.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(dir.resolve("a.pw"), "secret-a\n");
        Path config = Files.writeString(dir.resolve("agent.yml"), String.join("\n",
                "agent:", "  id: hq-probe-1", "  site: hq", "  key_file: key.secret",
                "servers:", "  smtp:", "    protocol: smtp", "    host: smtp.example.com",
                "  mx:", "    protocol: smtp", "    host: mx.example.com", "    port: 25",
                "  imap:", "    protocol: imap", "    host: imap.example.com",
                "accounts:", "  alice:", "    address: alice@example.com", "    password_file: a.pw",
                "routes:", "  - name: filter-in", "    kind: filter", "    from_address: samples@agent.example.net",
                "    to: alice", "    deliver_via: mx", "    submit_via: smtp", "    from: alice",
                "    watch: [{path: imap, server: imap}]", "    filter: {samples: [eicar-zip, gtube, clean]}", ""));

        int code = cli.run("check-config", "--config", config.toString());

        assertEquals(ExitCodes.OK, code, cli.out + "" + cli.err);
        assertTrue(cli.out.toString().contains(", 1 routes"), cli.out.toString());
        assertTrue(cli.out.toString().contains("filter route filter-in: samples eicar-zip, gtube, clean every 1h to "
                + "alice@example.com, inbound to mx, outbound via smtp from alice; watching imap imap folders INBOX, "
                + "\\Junk, withheld after 10m"), cli.out.toString());
    }
}
