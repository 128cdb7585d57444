package org.mailprobe.probes.watch;

import jakarta.mail.MessagingException;
import java.util.Locale;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.jspecify.annotations.Nullable;

/**
 * Finds the folder a server marks with the SPECIAL-USE attribute {@code \Junk} (RFC 6154 section
 * 2). Where the server announces the extension, {@code LIST (SPECIAL-USE) "" "*"} (RFC 6154 section
 * 5.1) lists only the marked folders; elsewhere a plain {@code LIST "" "*"} is read, as some
 * servers mark folders in every LIST answer (RFC 6154 section 2: "MAY").
 */
final class SpecialUse {
    static final String JUNK = "\\Junk";

    private SpecialUse() {}

    /** The name of the first folder marked {@code \Junk}, or null if none is. */
    static @Nullable String junkFolder(IMAPStore store) throws MessagingException {
        String command = store.hasCapability("SPECIAL-USE") ? "LIST (SPECIAL-USE) \"\" \"*\"" : "LIST \"\" \"*\"";
        // The default folder needs no SELECT: its command runs on the store's own connection.
        IMAPFolder root = (IMAPFolder) store.getDefaultFolder();
        Object found = root.doCommand(p -> {
            Response[] r = p.command(command, null);
            String name = null;
            for (Response x : r) {
                if (name == null && x instanceof IMAPResponse ir && ir.keyEquals("LIST")) {
                    name = junkName(ir);
                }
            }
            p.handleResult(r[r.length - 1]);
            return name;
        });
        return (String) found;
    }

    private static @Nullable String junkName(IMAPResponse r) throws ProtocolException {
        ListInfo info = new ListInfo(r);
        for (String attr : info.attrs) {
            if (JUNK.toLowerCase(Locale.ROOT).equals(attr.toLowerCase(Locale.ROOT))) {
                return info.name;
            }
        }
        return null;
    }
}
