package org.mailprobe.probes;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Bounds how many bytes a server may send between two writes of ours on one connection: in a
 * request-reply protocol (SMTP) that is the size of one reply. Past the bound a read fails with
 * an {@link IOException} (a protocol failure), so an endless reply line or a multi-line reply that
 * never ends costs a fixed amount of memory, not the server's rate times the deadline. Our own
 * write (the next command, the message, a TLS handshake record) starts a new reply.
 */
final class ReplyLimit {
    /**
     * 1 MiB: an SMTP reply is a few hundred bytes (RFC 5321 section 4.5.3.1.5 allows 512 per line)
     * and a TLS server's handshake flight a few KiB, so only a hostile server comes near it.
     */
    static final int MAX_REPLY_BYTES = 1 << 20;

    private final long max;
    private long sinceOurWrite;

    ReplyLimit(long max) {
        this.max = max;
    }

    InputStream input(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    counted(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    counted(n);
                }
                return n;
            }
        };
    }

    OutputStream output(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                wrote();
                out.write(b);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                wrote();
                out.write(buffer, offset, length);
            }
        };
    }

    private synchronized void wrote() {
        sinceOurWrite = 0;
    }

    private synchronized void counted(int n) throws IOException {
        sinceOurWrite += n;
        if (sinceOurWrite > max) {
            throw new ReplyTooLongException(max);
        }
    }

    /** The server sent more than a reply may hold. */
    static final class ReplyTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        ReplyTooLongException(long max) {
            super("the server sent more than " + max + " bytes without waiting for a command");
        }
    }
}
