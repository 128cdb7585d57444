package org.mailprobe.probes.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a message to its end, keeping only its header block (up to a bound) and counting its
 * size; the body is read and discarded, so nothing a client sends is ever stored. The header
 * block ends at the first empty line (RFC 5322 section 2.1).
 *
 * @param header the header block's bytes, the empty line included when it was seen
 * @param complete whether the empty line was seen within the bound
 * @param size the whole message's size in bytes
 */
record HeaderBlock(byte[] header, boolean complete, long size) {
    static HeaderBlock read(InputStream in, int maxHeaderBytes) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(Math.min(maxHeaderBytes, 8192));
        boolean inHeader = true;
        boolean complete = false;
        boolean atLineStart = true;
        long size = 0;
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            size += n;
            for (int i = 0; inHeader && i < n; i++) {
                if (header.size() >= maxHeaderBytes) {
                    inHeader = false;
                    break;
                }
                byte b = buffer[i];
                header.write(b);
                if (b == '\n') {
                    if (atLineStart) {
                        complete = true;
                        inHeader = false;
                    }
                    atLineStart = true;
                } else if (b != '\r') {
                    atLineStart = false;
                }
            }
        }
        return new HeaderBlock(header.toByteArray(), complete, size);
    }
}
