package org.mailprobe.probes.filter;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** What a received sample carries, leaf by leaf: each part decoded, each zip opened (and zips in zips). */
final class ReceivedLeaves {
    /**
     * One leaf.
     *
     * @param partDepth how many multiparts enclose the MIME part it came from
     * @param zipDepth how many zips it was inside
     * @param disposition the MIME part's Content-Disposition; null if none
     * @param name the MIME part's file name, or the zip entry's
     */
    record Leaf(int partDepth, int zipDepth, String disposition, String name, byte[] bytes) {}

    private ReceivedLeaves() {}

    static List<Leaf> of(Part message) throws MessagingException, IOException {
        List<Leaf> leaves = new ArrayList<>();
        walk(message, 0, leaves);
        return leaves;
    }

    private static void walk(Part part, int depth, List<Leaf> leaves) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                walk(multipart.getBodyPart(i), depth + 1, leaves);
            }
            return;
        }
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
        }
        addWithZips(new Leaf(depth, 0, part.getDisposition(), part.getFileName(), bytes), leaves);
    }

    private static void addWithZips(Leaf leaf, List<Leaf> leaves) throws IOException {
        leaves.add(leaf);
        byte[] b = leaf.bytes();
        if (b.length < 4 || b[0] != 'P' || b[1] != 'K') {
            return;
        }
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(b))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                addWithZips(new Leaf(leaf.partDepth(), leaf.zipDepth() + 1, leaf.disposition(), entry.getName(),
                        zip.readAllBytes()), leaves);
            }
        }
    }
}
