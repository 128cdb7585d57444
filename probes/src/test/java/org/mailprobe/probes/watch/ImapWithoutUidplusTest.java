package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;

/**
 * A server without UIDPLUS (GreenMail always offers it, so a scripted one): a measured probe is
 * neither flagged nor expunged, since a plain EXPUNGE would take the user's \Deleted mail too.
 */
class ImapWithoutUidplusTest {
    private final Watching.Recorder recorder = new Watching.Recorder();
    private ArrivalWatcher watcher;

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    /** One mailbox holding one message with {@code headers}; IMAP4rev1 without UIDPLUS or IDLE. */
    static RawScriptedServer.Script imapWithoutUidplus(String headers) {
        return peer -> {
            peer.send("* OK [CAPABILITY IMAP4rev1] test server ready");
            String line;
            while ((line = peer.readLine()) != null) {
                String tag = line.substring(0, line.indexOf(' '));
                String command = line.substring(tag.length() + 1).toUpperCase(Locale.ROOT);
                if (command.startsWith("CAPABILITY")) {
                    peer.send("* CAPABILITY IMAP4rev1\n" + tag + " OK done");
                } else if (command.startsWith("SELECT") || command.startsWith("EXAMINE")) {
                    peer.send("* FLAGS (\\Seen \\Deleted)\n* 1 EXISTS\n* 0 RECENT\n* OK [UIDVALIDITY 7] ok\n"
                            + "* OK [UIDNEXT 2] ok\n* OK [PERMANENTFLAGS (\\Seen \\Deleted)] ok\n"
                            + tag + " OK [READ-WRITE] done");
                } else if (command.startsWith("UID FETCH")) {
                    peer.send("* 1 FETCH (UID 1)\n" + tag + " OK done");
                } else if (command.startsWith("FETCH")) {
                    String section = line.substring(line.indexOf("BODY.PEEK[") + "BODY.PEEK[".length());
                    section = section.substring(0, section.indexOf(']'));
                    String block = headers.replace("\n", "\r\n") + "\r\n\r\n";
                    int length = block.getBytes(StandardCharsets.ISO_8859_1).length;
                    peer.raw("* 1 FETCH (UID 1 FLAGS () INTERNALDATE \"28-Nov-2026 03:00:00 +0000\" BODY[" + section
                            + "] {" + length + "}\r\n" + block + ")\r\n");
                    peer.send(tag + " OK done");
                } else if (command.startsWith("LOGOUT")) {
                    peer.send("* BYE bye\n" + tag + " OK done");
                    return;
                } else {
                    peer.send(tag + " OK done"); // LOGIN, NOOP, CLOSE, and anything a watcher must not send
                }
            }
        };
    }

    @Test
    @Timeout(30)
    void measuredProbeIsNeitherFlaggedNorExpunged() throws Exception {
        ProbeToken token = Watching.token(AGENT);
        String headers = "Subject: " + ProbeMessage.subject(token) + "\n" + TokenSigner.HEADER + ": "
                + Watching.SIGNER.sign(token);
        try (RawScriptedServer server = new RawScriptedServer(imapWithoutUidplus(headers))) {
            watcher = new ImapArrivalWatcher(HostileMailServerTest.settings(server.port(), TestProvider.FAST.read()),
                    Watching.SIGNER, recorder, ProbeClock.system());
            watcher.start();
            recorder.awaitArrival(token);
            int looks = server.lines().size();
            await("two more looks at the mailbox", Duration.ofSeconds(10),
                    () -> server.lines().stream().skip(looks).filter(l -> l.contains("UID FETCH")).count() >= 2);

            assertFalse(server.lines().stream().anyMatch(l -> l.toUpperCase(Locale.ROOT).contains("STORE")),
                    server.lines().toString());
            assertFalse(server.lines().stream().anyMatch(l -> l.toUpperCase(Locale.ROOT).contains("EXPUNGE")),
                    server.lines().toString());
            assertTrue(watcher.deletionDisabled().orElse("").contains("UIDPLUS"));
            assertEquals(0, watcher.keptForDeletion());
        }
    }
}
