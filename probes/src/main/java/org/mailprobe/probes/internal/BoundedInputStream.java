package org.mailprobe.probes.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A mail server's bytes on their way to Angus Mail, checked against {@link ReadLimits} as they
 * pass: a line too long, an IMAP literal announced too large, or too much for one command fails
 * the read before the bytes reach Angus (which would otherwise allocate what was announced, or
 * grow its buffer without end). Lines end as the reader ends them: IMAP at CRLF only (Angus's
 * {@code ResponseInputStream}), POP3 and SMTP at CR or LF ({@code BufferedReader},
 * {@code LineInputStream}).
 */
final class BoundedInputStream extends FilterInputStream {
    private final BoundedReads.Guard reads;
    private final ReadLimits limits;
    private long line;
    private long literalLeft;
    private boolean cr;
    // Angus takes a line that ends in "}" CRLF as announcing a literal, sized by the digits after the
    // last "{": 0 none, 1 in the digits, 2 after "}", 3 after "}" CR. Kept through a literal's own
    // bytes, as Angus's search for the "{" goes back into them too.
    private int brace;
    private long digits;

    BoundedInputStream(InputStream in, BoundedReads.Guard reads, ReadLimits limits) {
        super(in);
        this.reads = reads;
        this.limits = limits;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = reads.read(() -> in.read(b, off, len));
        if (n > 0) {
            reads.received(n);
            for (int i = off; i < off + n; i++) {
                scan(b[i]);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would not be scanned; nothing in Angus skips a server's answer.
        byte[] sink = new byte[(int) Math.min(n, 4096)];
        int read = read(sink, 0, sink.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void scan(byte c) throws ReplyTooLongException {
        if (limits.maxLiteral() == 0) {
            if (c == '\n' || c == '\r') {
                line = 0;
            } else if (++line > limits.maxLine()) {
                throw new ReplyTooLongException("the server sent a line longer than " + limits.maxLine() + " bytes");
            }
            return;
        }
        if (literalLeft > 0) {
            literalLeft--;
            brace(c);
            return;
        }
        if (c == '\n' && cr) {
            if (brace == 3) {
                if (digits > limits.maxLiteral()) {
                    throw new ReplyTooLongException("the server announced a literal of " + digits
                            + " bytes; at most " + limits.maxLiteral() + " are read");
                }
                literalLeft = digits;
            }
            brace = 0;
            line = 0;
            cr = false;
            return;
        }
        brace(c);
        cr = c == '\r';
        if (++line > limits.maxLine()) {
            throw new ReplyTooLongException("the server sent a line longer than " + limits.maxLine() + " bytes");
        }
    }

    private void brace(byte c) {
        if (c == '{') {
            brace = 1;
            digits = -1;
        } else if (brace == 1 && c >= '0' && c <= '9') {
            long d = Math.max(digits, 0);
            digits = d < 1_000_000_000_000L ? d * 10 + (c - '0') : d; // saturates far above any cap
        } else if (brace == 1 && c == '}' && digits >= 0) {
            brace = 2;
        } else if (brace == 2 && c == '\r') {
            brace = 3;
        } else {
            brace = 0;
        }
    }
}
