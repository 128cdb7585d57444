package org.mailprobe.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mailprobe.probes.ProbeClock;

/** A directory holding a config file and the key and password files it refers to. */
final class ConfigFixture {
    static final String KEY = "0123456789abcdef0123456789abcdef";
    static final String ALICE_PASSWORD = "alice-file-secret-7Qz";
    static final String BOB_PASSWORD = "bob-env-secret-9Xw";
    static final Map<String, String> ENV = Map.of(
            "MAILPROBE_BOB_PASSWORD", BOB_PASSWORD,
            "MAILPROBE_EMPTY_PASSWORD", "");

    final Path dir;
    final List<String> warnings = new ArrayList<>();

    ConfigFixture(Path dir) {
        this.dir = dir;
        writePrivate("key.secret", KEY + "\n");
        writePrivate("short.key", "abcde\n");
        writePrivate("alice.pw", ALICE_PASSWORD + "\n");
        writePrivate("empty.pw", "\n");
    }

    /** Writes {@code name} readable by its owner only. */
    Path writePrivate(String name, String content) {
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Copies a test resource under config/ into the directory. */
    Path copyResource(String name) {
        try (InputStream in = ConfigFixture.class.getResourceAsStream("/config/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource config/" + name);
            }
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    AgentConfig load(Path file) throws ConfigException {
        return ConfigLoader.load(file, ENV::get, warnings::add, ProbeClock.system());
    }

    AgentConfig loadResource(String name) throws ConfigException {
        return load(copyResource(name));
    }
}
