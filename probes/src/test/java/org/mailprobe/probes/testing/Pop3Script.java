package org.mailprobe.probes.testing;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** A minimal scripted POP3 server for {@link RawScriptedServer}: a listing per connection, TOP by script. */
public final class Pop3Script {
    /** One message: its UIDL and its header block (null: whatever {@code top} sends). */
    public record Mail(String uidl, String headers) {}

    public interface Top {
        void send(RawScriptedServer.Peer peer) throws IOException;
    }

    public interface Listing {
        List<Mail> of(int connection);
    }

    private Pop3Script() {}

    public static RawScriptedServer.Script serving(List<Mail> mails, Top top) {
        return serving(connection -> mails, top);
    }

    public static RawScriptedServer.Script serving(Listing listing, Top top) {
        return serving(listing, top, connection -> false);
    }

    /** {@code dropsQuit}: on these connections QUIT gets no answer, the connection just ends (no UPDATE state). */
    public static RawScriptedServer.Script serving(Listing listing, Top top, java.util.function.IntPredicate dropsQuit) {
        return peer -> {
            List<Mail> mails = listing.of(peer.connection());
            peer.send("+OK ready");
            String line;
            while ((line = peer.readLine()) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("CAPA")) {
                    peer.send("+OK\nUSER\nUIDL\nTOP\n.");
                } else if (upper.startsWith("STAT")) {
                    peer.send("+OK " + mails.size() + " " + mails.size() * 100);
                } else if (upper.startsWith("UIDL")) {
                    StringBuilder b = new StringBuilder("+OK");
                    for (int i = 0; i < mails.size(); i++) {
                        b.append('\n').append(i + 1).append(' ').append(mails.get(i).uidl());
                    }
                    peer.send(b.append("\n.").toString());
                } else if (upper.startsWith("LIST")) {
                    StringBuilder b = new StringBuilder("+OK");
                    for (int i = 0; i < mails.size(); i++) {
                        b.append('\n').append(i + 1).append(" 100");
                    }
                    peer.send(b.append("\n.").toString());
                } else if (upper.startsWith("TOP")) {
                    Mail mail = mails.get(Integer.parseInt(line.split(" ")[1]) - 1);
                    peer.send("+OK");
                    if (mail.headers() == null) {
                        top.send(peer);
                    } else {
                        peer.send(mail.headers() + "\n\n.");
                    }
                } else if (upper.startsWith("QUIT")) {
                    if (dropsQuit.test(peer.connection())) {
                        return;
                    }
                    peer.send("+OK bye");
                    return;
                } else {
                    peer.send("+OK"); // USER, PASS, NOOP, RSET, DELE
                }
            }
        };
    }
}
