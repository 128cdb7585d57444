package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
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
 * A server that names its Junk folder only by SPECIAL-USE (RFC 6154) and offers no UIDPLUS
 * (GreenMail does neither, so a scripted one): the sample is found in "Spam" as Junk, and our
 * verified sample is flagged but never expunged, since a plain EXPUNGE would take the user's
 * \Deleted mail too.
 */
class SpecialUseJunkTest {
    /** INBOX empty; "Spam" (\Junk) holding {@code message} as number 1, UID 9. */
    private static RawScriptedServer.Script server(byte[] message) {
        String wire = new String(message, StandardCharsets.ISO_8859_1);
        return peer -> {
            peer.send("* OK [CAPABILITY IMAP4rev1] test server ready");
            String selected = "";
            String line;
            while ((line = peer.readLine()) != null) {
                String tag = line.substring(0, line.indexOf(' '));
                String command = line.substring(tag.length() + 1).toUpperCase(Locale.ROOT);
                boolean spam = "SPAM".equals(selected);
                if (command.startsWith("CAPABILITY")) {
                    peer.send("* CAPABILITY IMAP4rev1\n" + tag + " OK done");
                } else if (command.startsWith("LIST")) {
                    peer.send("* LIST (\\HasNoChildren) \"/\" INBOX\n* LIST (\\HasNoChildren \\Junk) \"/\" Spam\n"
                            + tag + " OK done");
                } else if (command.startsWith("SELECT") || command.startsWith("EXAMINE")) {
                    selected = command.contains("SPAM") ? "SPAM" : "INBOX";
                    peer.send("* FLAGS (\\Seen \\Deleted)\n* " + ("SPAM".equals(selected) ? 1 : 0) + " EXISTS\n"
                            + "* 0 RECENT\n* OK [UIDVALIDITY 7] ok\n* OK [UIDNEXT 10] ok\n"
                            + "* OK [PERMANENTFLAGS (\\Seen \\Deleted)] ok\n" + tag + " OK [READ-WRITE] done");
                } else if (command.startsWith("SEARCH")) {
                    peer.send((spam ? "* SEARCH 1" : "* SEARCH") + "\n" + tag + " OK done");
                } else if (command.startsWith("FETCH") && command.contains("HEADER.FIELDS")) {
                    String head = wire.substring(0, wire.indexOf("\r\n\r\n") + 4);
                    peer.raw("* 1 FETCH (UID 9 RFC822.SIZE " + message.length + " BODY[HEADER.FIELDS ("
                            + "X-Mailprobe-Token Message-ID Subject)] {" + head.length() + "}\r\n" + head + ")\r\n");
                    peer.send(tag + " OK done");
                } else if (command.startsWith("FETCH") && command.contains("BODY.PEEK[]")) {
                    peer.raw("* 1 FETCH (BODY[]<0> {" + message.length + "}\r\n" + wire + ")\r\n");
                    peer.send(tag + " OK done");
                } else if (command.startsWith("FETCH") && command.contains("BODY.PEEK[HEADER]")) {
                    String head = wire.substring(0, wire.indexOf("\r\n\r\n") + 4);
                    peer.raw("* 1 FETCH (BODY[HEADER] {" + head.length() + "}\r\n" + head + ")\r\n");
                    peer.send(tag + " OK done");
                } else if (command.startsWith("LOGOUT")) {
                    peer.send("* BYE bye\n" + tag + " OK done");
                    return;
                } else {
                    peer.send(tag + " OK done"); // LOGIN, UID STORE, CLOSE, and anything else
                }
            }
        };
    }

    @Test
    @Timeout(30)
    void sampleInTheSpecialUseJunkFolderIsJunkAndOnlyFlaggedWithoutUidplus() throws Exception {
        SentSample sent = Delivered.accepted(Delivered.sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Delivered.stamped(sent).writeTo(wire);
        try (RawScriptedServer imap = new RawScriptedServer(server(wire.toByteArray()))) {
            CollectorSettings settings = new CollectorSettings(
                    new ServerEndpoint("127.0.0.1", imap.port(), TlsMode.PLAIN), new Account(TestProvider.USER, Secret.of(TestProvider.PASSWORD)),
                    TestProvider.trusted(), TestProvider.FAST, List.of("INBOX", CollectorSettings.JUNK), List.of(),
                    List.of(new TagRule("X-Spam-Flag", Pattern.compile("(?i)^\\s*yes"))), List.of(), "agent.test",
                    AGENT, true);

            CollectorLook look = new SampleCollector(settings, Watching.SIGNER, ProbeClock.system())
                    .look(List.of(sent), ProbeClock.system().now().plusSeconds(15));

            assertEquals(Reason.NONE, look.failure(), look.detail());
            assertEquals(1, look.found().size(), look.found().toString());
            SampleSighting seen = look.found().get(0);
            assertEquals("Spam", seen.folder());
            assertTrue(seen.junkFolder());
            assertTrue(seen.intact());
            assertEquals(FilterOutcome.JUNK, SampleVerdict.classify(sent, seen));
            assertEquals("folder Spam", SampleVerdict.decidedBy(sent, seen));
            assertFalse(seen.deleted(), "not expunged without UIDPLUS");
            assertTrue(look.detail().contains("not expunged"), look.detail());
            List<String> commands = imap.lines().stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
            assertTrue(commands.stream().anyMatch(c -> c.contains("UID STORE 9 +FLAGS.SILENT (\\Deleted)")), commands.toString());
            assertFalse(commands.stream().anyMatch(c -> c.toUpperCase(Locale.ROOT).contains("EXPUNGE")), commands.toString());
        }
    }
}
