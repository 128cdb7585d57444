package org.mailprobe.agent.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.journal.Segments.Segment;

/**
 * Whole lines at the end of the newest segment that are not records (a disk or file system that
 * wrote garbage, issue 11): cut at start-up as honestly as a torn tail. The bytes are kept in a
 * quarantine file beside the segment, quoted (the first {@link Journal#MAX_QUOTED_BYTES}) and
 * hashed in a {@code note} record, and the chain goes on from the last real record. Lines that are
 * not records with a record after them are not cut: that is a break for {@code journal verify}.
 */
final class GarbageTail {
    private GarbageTail() {}

    /** Cuts the trailing non-record lines of {@code s} (a plain segment); returns the note, or null. */
    static @Nullable ObjectNode cut(Segment s, Path dir) throws IOException {
        long keep = 0;
        long offset = 0;
        int badLines = 0;
        try (Segments.LineReader r = new Segments.LineReader(Segments.open(s))) {
            byte[] line;
            while ((line = r.next()) != null) {
                offset += line.length + (r.terminated() ? 1 : 0);
                if (Journal.record(line) != null) {
                    keep = offset;
                    badLines = 0;
                } else {
                    badLines++;
                }
            }
        }
        long size = Files.size(s.file());
        if (keep == size) {
            return null;
        }
        Path quarantine = dir.resolve(s.name() + ".garbage-at-" + keep);
        byte[] quoted;
        String sha256;
        // Closing the stream closes the channel too, so the quoted head is read first.
        try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size - keep, Journal.MAX_QUOTED_BYTES));
            while (head.hasRemaining() && ch.read(head, keep + head.position()) > 0) {
                // Until the quote is full.
            }
            quoted = head.array();
            ch.position(keep);
            MessageDigest digest = sha256();
            try (InputStream in = new DigestInputStream(Channels.newInputStream(ch), digest);
                    OutputStream out = Files.newOutputStream(quarantine)) {
                in.transferTo(out);
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        try (FileChannel q = FileChannel.open(quarantine, StandardOpenOption.WRITE)) {
            q.force(true);
        }
        try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.WRITE)) {
            ch.truncate(keep);
            ch.force(true);
        }
        ObjectNode note = Journal.newRecord();
        note.put("note", "garbage_tail");
        note.put("segment", s.name());
        note.put("offset", keep);
        note.put("cut_bytes", size - keep);
        note.put("cut_lines", badLines);
        note.put("cut_sha256", sha256);
        note.put("cut_base64", Base64.getEncoder().encodeToString(quoted));
        note.put("cut_text", new String(quoted, StandardCharsets.UTF_8));
        note.put("quarantine", quarantine.getFileName().toString());
        note.put("detail", "the last " + badLines + " line(s) of " + s.name() + " ended in a newline but were not "
                + "journal records (a disk or file system wrote garbage); their " + (size - keep) + " bytes were "
                + "cut, are quoted here and kept in " + quarantine.getFileName() + "; they are not part of the chain");
        return note;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
