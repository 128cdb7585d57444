package org.mailprobe.probes.oauth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.TokenException;

/**
 * A bearer token kept in a file by an external token helper: read again whenever the file's
 * modification time or size changes, so a helper that rewrites it is followed without a reload.
 * The helper owns the token's lifetime; a missing or empty file is a {@link TokenException}.
 */
final class TokenFileTokens implements BearerTokens {
    /** A JWT access token is a few KiB; a file far larger is not a token. */
    static final int MAX_TOKEN = 64 * 1024;

    private record Read(FileTime modified, long size, Secret token) {}

    private final Path file;
    private @Nullable Read last; // guarded by this

    TokenFileTokens(Path file) {
        this.file = file;
    }

    @Override
    public synchronized Secret current(Instant deadline) throws TokenException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new TokenException("the token file " + file + " is missing", 0, null, null);
        } catch (IOException e) {
            throw new TokenException("cannot read the token file " + file + ": " + e.getClass().getSimpleName(), 0, null,
                    null);
        }
        if (last != null && last.modified().equals(attributes.lastModifiedTime()) && last.size() == attributes.size()) {
            return last.token();
        }
        if (attributes.size() > MAX_TOKEN) {
            throw new TokenException("the token file " + file + " is larger than " + MAX_TOKEN + " bytes", 0, null, null);
        }
        String content;
        try (InputStream in = Files.newInputStream(file)) {
            content = new String(in.readNBytes(MAX_TOKEN), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenException("the token file " + file + " is missing", 0, null, null);
        } catch (IOException e) {
            throw new TokenException("cannot read the token file " + file + ": " + e.getClass().getSimpleName(), 0, null,
                    null);
        }
        String token = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        if (token.isBlank()) {
            last = null;
            throw new TokenException("the token file " + file + " is empty", 0, null, null);
        }
        last = new Read(attributes.lastModifiedTime(), attributes.size(), Secret.of(token));
        return last.token();
    }

    /** Forgotten, so the next call reads the file again (the helper may have written a new one). */
    @Override
    public synchronized void refused(Secret refused) {
        if (last != null && last.token() == refused) {
            last = null;
        }
    }

    @Override
    public void close() {
        // nothing runs in the background
    }
}
