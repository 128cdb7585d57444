package org.mailprobe.probes.internal;

import org.eclipse.angus.mail.iap.Response;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * Flags one message {@code \Deleted} by its UID, the one step every deletion of ours (a measured
 * probe, a classified filter sample) shares before its UID EXPUNGE.
 */
public final class UidDeletion {
    private UidDeletion() {}

    /**
     * UID STORE, not Angus's {@code setFlag} (a STORE by sequence number): the UID names the very
     * message whose token we verified, even if another client expunged mail meanwhile.
     */
    public static void flag(IMAPFolder folder, long uid) throws MessagingException {
        folder.doCommand(p -> {
            Response[] r = p.command("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)", null);
            p.notifyResponseHandlers(r);
            p.handleResult(r[r.length - 1]);
            return null;
        });
    }
}
