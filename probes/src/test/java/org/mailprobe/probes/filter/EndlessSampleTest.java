package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;

/**
 * A server that announces a small sample and then sends its body without end, chunk after
 * partial-fetch chunk: the copy stops at its bound, and the look says so, however much the server
 * would send.
 */
class EndlessSampleTest {
    private static final Pattern PARTIAL = Pattern.compile("BODY\\.PEEK\\[\\]<(\\d+)\\.(\\d+)>");

    private static RawScriptedServer.Script endless(byte[] header) {
        String head = new String(header, StandardCharsets.ISO_8859_1);
        return peer -> {
            peer.send("* OK [CAPABILITY IMAP4rev1 UIDPLUS] test server ready");
            String line;
            while ((line = peer.readLine()) != null) {
                String tag = line.substring(0, line.indexOf(' '));
                String command = line.substring(tag.length() + 1).toUpperCase(Locale.ROOT);
                Matcher partial = PARTIAL.matcher(command);
                if (command.startsWith("CAPABILITY")) {
                    peer.send("* CAPABILITY IMAP4rev1 UIDPLUS\n" + tag + " OK done");
                } else if (command.startsWith("LIST")) {
                    peer.send("* LIST (\\HasNoChildren) \"/\" INBOX\n" + tag + " OK done");
                } else if (command.startsWith("SELECT") || command.startsWith("EXAMINE")) {
                    peer.send("* FLAGS (\\Seen \\Deleted)\n* 1 EXISTS\n* 0 RECENT\n* OK [UIDVALIDITY 7] ok\n"
                            + "* OK [UIDNEXT 10] ok\n" + tag + " OK [READ-ONLY] done");
                } else if (command.startsWith("SEARCH")) {
                    peer.send("* SEARCH 1\n" + tag + " OK done");
                } else if (command.startsWith("FETCH") && command.contains("HEADER.FIELDS")) {
                    peer.raw("* 1 FETCH (UID 9 RFC822.SIZE 2000 BODY[HEADER.FIELDS (X-Mailprobe-Token Message-ID "
                            + "Subject)] {" + head.length() + "}\r\n" + head + ")\r\n");
                    peer.send(tag + " OK done");
                } else if (command.startsWith("FETCH") && partial.find()) {
                    // More than asked for, as a hostile server may: fewer round trips to the bound.
                    int length = Math.max(Integer.parseInt(partial.group(2)), 512 * 1024);
                    peer.raw("* 1 FETCH (BODY[]<" + partial.group(1) + "> {" + length + "}\r\n" + "a".repeat(length)
                            + ")\r\n");
                    peer.send(tag + " OK done");
                } else if (command.startsWith("LOGOUT")) {
                    peer.send("* BYE bye\n" + tag + " OK done");
                    return;
                } else {
                    peer.send(tag + " OK done");
                }
            }
        };
    }

    @Test
    @Timeout(60)
    void sampleThatNeverEndsIsCutAtItsBoundAndTheLookSaysSo() throws Exception {
        SentSample sent = Delivered.accepted(Delivered.sample(SampleKind.VIRUS, "eicar"), Delivered.token(AGENT));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Delivered.stamped(sent).writeTo(wire);
        String whole = wire.toString(StandardCharsets.ISO_8859_1);
        byte[] header = whole.substring(0, whole.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
        try (RawScriptedServer imap = new RawScriptedServer(endless(header))) {
            CollectorSettings settings = new CollectorSettings(
                    new ServerEndpoint("127.0.0.1", imap.port(), TlsMode.PLAIN),
                    new Account(TestProvider.USER, Secret.of(TestProvider.PASSWORD)), TestProvider.trusted(),
                    TestProvider.FAST, List.of("INBOX"), List.of(), List.of(), List.of(), "agent.test", AGENT, false);

            CollectorLook look = new SampleCollector(settings, Watching.SIGNER, ProbeClock.system())
                    .look(List.of(sent), ProbeClock.system().now().plusSeconds(45));

            assertEquals(Reason.PROTOCOL, look.failure(), look.detail());
            assertTrue(look.detail().contains("more than " + SampleCollector.MAX_MESSAGE_BYTES + " bytes"),
                    look.detail());
        }
    }
}
