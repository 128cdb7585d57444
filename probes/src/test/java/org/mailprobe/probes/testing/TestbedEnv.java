package org.mailprobe.probes.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The loopback testbed's settings (real Postfix, Dovecot, Roundcube; deploy/testbed/up writes
 * them to {@code testbed.env}). Found by the system property {@code mailprobe.testbed.env}, else
 * the variable {@code MAILPROBE_TESTBED_ENV}, else {@code $MAILPROBE_TESTBED_DIR/testbed.env},
 * else {@code /var/lib/mailprobe-testbed/testbed.env}. No testbed is a failure that says so, never
 * a skip: the interop tests are the ones that count.
 */
public final class TestbedEnv {
    public static final String PROPERTY = "mailprobe.testbed.env";
    public static final String VARIABLE = "MAILPROBE_TESTBED_ENV";
    static final Path DEFAULT = Path.of("/var/lib/mailprobe-testbed/testbed.env");

    private final Path file;
    private final Properties values = new Properties();

    private TestbedEnv(Path file) throws IOException {
        this.file = file;
        try (Reader in = Files.newBufferedReader(file)) {
            values.load(in);
        }
    }

    /** The testbed's settings; fails with what to do if there is no testbed. */
    public static TestbedEnv load() {
        Path file = locate();
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("The testbed is not up: " + file + " does not exist or cannot be read. "
                    + "Bring it up with deploy/testbed/up, or point -D" + PROPERTY + " or " + VARIABLE
                    + " at its testbed.env.");
        }
        try {
            return new TestbedEnv(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the testbed's settings in " + file, e);
        }
    }

    static Path locate() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String variable = System.getenv(VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return Path.of(variable);
        }
        String dir = System.getenv("MAILPROBE_TESTBED_DIR");
        return dir != null && !dir.isBlank() ? Path.of(dir, "testbed.env") : DEFAULT;
    }

    /** A required value. */
    public String get(String key) {
        String value = values.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(file + " has no " + key);
        }
        return value.trim();
    }

    public int port(String key) {
        return Integer.parseInt(get(key));
    }

    public Path file() {
        return file;
    }
}
