package org.mailprobe.probes.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;

/**
 * The loopback testbed of real servers (deploy/testbed/up): what its {@code testbed.env} says.
 * Tests that need it fail, never skip, when it is not up.
 */
public final class Testbed {
    /** The state directory's variable, as deploy/testbed/lib.sh reads it. */
    public static final String DIR_VARIABLE = "MAILPROBE_TESTBED_DIR";
    static final Path DEFAULT_DIR = Path.of("/var/lib/mailprobe-testbed");

    private final Path envFile;
    private final Properties env = new Properties();

    private Testbed(Path envFile) throws IOException {
        this.envFile = envFile;
        try (Reader r = Files.newBufferedReader(envFile, StandardCharsets.UTF_8)) {
            env.load(r); // KEY=value lines: shell and java.util.Properties read them alike
        }
    }

    /** Reads testbed.env; throws with a plain sentence when the testbed was never brought up. */
    public static Testbed load() {
        String dir = System.getenv(DIR_VARIABLE);
        Path file = (dir == null || dir.isEmpty() ? DEFAULT_DIR : Path.of(dir)).resolve("testbed.env");
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("The loopback testbed is not up: " + file
                    + " is missing or unreadable. Bring it up with deploy/testbed/up (Maven's "
                    + "pre-integration-test phase does).");
        }
        try {
            return new Testbed(file);
        } catch (IOException e) {
            throw new IllegalStateException("The loopback testbed's " + file + " cannot be read", e);
        }
    }

    public String get(String key) {
        String v = env.getProperty(key);
        if (v == null) {
            throw new IllegalStateException(envFile + " has no " + key);
        }
        return v;
    }

    /** The name its certificate is for (localhost); it listens on 127.0.0.1 only. */
    public String host() {
        return get("TLS_HOSTNAME");
    }

    /** The testbed.env file read. */
    public Path file() {
        return envFile;
    }

    public int port(String key) {
        return Integer.parseInt(get(key));
    }

    public Path caFile() {
        return Path.of(get("CA_FILE"));
    }

    public TlsPolicy tls() {
        return TlsPolicy.trusting(caFile());
    }

    public String domain() {
        return get("DOMAIN");
    }

    /** user1, user2, user3: probe1@mailprobe.test and so on. */
    public String user(int n) {
        return get("USER" + n);
    }

    public Path passwordFile(int n) {
        return Path.of(get("USER" + n + "_PASSWORD_FILE"));
    }

    public Account account(int n) {
        try {
            return new Account(user(n), Secret.of(Files.readString(passwordFile(n)).strip()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + passwordFile(n), e);
        }
    }

    /** An address of user n that Postfix holds {@code hold} before delivering to user n. */
    public String held(int n, Duration hold) {
        String user = user(n);
        int at = user.indexOf('@');
        return user.substring(0, at) + "+" + get("HOLD_EXTENSION") + hold.toMillis() + user.substring(at);
    }

    public ServerEndpoint submission() {
        return new ServerEndpoint(host(), port("SUBMISSION_PORT"), TlsMode.STARTTLS);
    }

    public ServerEndpoint imap() {
        return new ServerEndpoint(host(), port("IMAP_PORT"), TlsMode.STARTTLS);
    }

    public ServerEndpoint imaps() {
        return new ServerEndpoint(host(), port("IMAPS_PORT"), TlsMode.IMPLICIT);
    }

    public ServerEndpoint pop3() {
        return new ServerEndpoint(host(), port("POP3_PORT"), TlsMode.STARTTLS);
    }

    public ServerEndpoint pop3s() {
        return new ServerEndpoint(host(), port("POP3S_PORT"), TlsMode.IMPLICIT);
    }

    /** Dovecot's log, where each login says whether it came over TLS. */
    public Path dovecotLog() {
        return Path.of(get("LOG_DIR")).resolve("dovecot.log");
    }
}
