package org.mailprobe.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Secret;

/**
 * Reads the agent's key, account passwords and OAuth client secrets from files and the environment. Problems name the
 * file or the variable, never the value.
 */
final class SecretReader {
    private static final Set<PosixFilePermission> GROUP_OR_OTHER_BEYOND_READ = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final Problems problems;
    private final Function<String, String> env;
    private final Consumer<String> warnings;

    SecretReader(Problems problems, Function<String, String> env, Consumer<String> warnings) {
        this.problems = problems;
        this.env = env;
        this.warnings = warnings;
    }

    /** The key bytes in {@code file}, one trailing newline trimmed; null (reported) if unusable. */
    byte @Nullable [] key(String where, Path file) {
        byte[] bytes = read(where, file);
        if (bytes == null) {
            return null;
        }
        byte[] key = trimNewline(bytes);
        if (key.length < Defaults.MIN_KEY_BYTES) {
            problems.add(where, "the key in " + file + " has " + key.length + " bytes; at least "
                    + Defaults.MIN_KEY_BYTES + " are needed (make one with: openssl rand -hex 32 > "
                    + file.getFileName() + ")");
            Arrays.fill(key, (byte) 0);
            return null;
        }
        return key;
    }

    /** The password in {@code file}, one trailing newline trimmed; null (reported) if unusable. */
    @Nullable Secret passwordFile(String where, Path file) {
        return secretFile(where, file, "password file");
    }

    /**
     * The secret in {@code file} (a {@code what}, e.g. "client secret file"), one trailing newline
     * trimmed; null (reported) if unusable. Warns as for a password if others can read it.
     */
    @Nullable Secret secretFile(String where, Path file, String what) {
        byte[] bytes = read(where, file);
        if (bytes == null) {
            return null;
        }
        String value = new String(trimNewline(bytes), StandardCharsets.UTF_8);
        if (value.isEmpty()) {
            problems.add(where, "the " + what + " " + file + " is empty");
            return null;
        }
        return Secret.of(value);
    }

    /** The value of environment variable {@code name}; null (reported) if unset or empty. */
    @Nullable Secret passwordEnv(String where, String name) {
        String value = env.apply(name);
        if (value == null) {
            problems.add(where, "environment variable " + name + " is not set");
            return null;
        }
        if (value.isEmpty()) {
            problems.add(where, "environment variable " + name + " is empty");
            return null;
        }
        return Secret.of(value);
    }

    private byte @Nullable [] read(String where, Path file) {
        try {
            if (Files.isDirectory(file)) {
                problems.add(where, file + " is a directory, not a file");
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            warnIfShared(where, file);
            return bytes;
        } catch (NoSuchFileException e) {
            problems.add(where, "file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            problems.add(where, "cannot read " + file + ": permission denied");
        } catch (IOException e) {
            problems.add(where, "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return null;
    }

    void warnIfShared(String where, Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            boolean ownFile = Files.getOwner(file).getName().equals(System.getProperty("user.name"));
            if (shared(perms, ownFile)) {
                warnings.accept(problems.format(where, file + " can be read or written by group or others ("
                        + PosixFilePermissions.toString(perms) + "); chmod 600 it, or 640 owned by root with "
                        + "the agent's group"));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (or the attributes are unreadable): nothing to say.
        }
    }

    /**
     * Whether a secret file's permissions let someone else than the agent at it. Group read is the
     * documented deployment (0640, owned by root, group of the service), where the agent can read
     * its secrets and cannot change them; it is warned about only on a file the agent's own user
     * owns, where 0600 would do.
     */
    static boolean shared(Set<PosixFilePermission> perms, boolean ownedByAgentUser) {
        if (!java.util.Collections.disjoint(perms, GROUP_OR_OTHER_BEYOND_READ)) {
            return true;
        }
        return ownedByAgentUser && perms.contains(PosixFilePermission.GROUP_READ);
    }

    /** Drops one trailing "\n" or "\r\n", as left by {@code echo} or an editor. */
    private static byte[] trimNewline(byte[] bytes) {
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        return end == bytes.length ? bytes : Arrays.copyOf(bytes, end);
    }
}
