package org.mailprobe.probes.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test certificate authority and a server key store for {@code localhost} that it signed, made
 * once per JVM with the JDK's own keytool. GreenMail serves this key store (it reads the
 * {@code greenmail.tls.keystore.*} system properties), so the probe's verified TLS path with host
 * name checking can be tested for real: trusting {@link #caPem()} passes, trusting nothing fails.
 */
public final class TestCa {
    public static final String PASSWORD = "changeit";
    private static TestCa instance;

    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** The CA, made on first use; also points GreenMail at the server key store. */
    public static synchronized TestCa get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("mailprobe-test-ca");
                dir.toFile().deleteOnExit();
                make(dir);
                instance = new TestCa(dir);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot make the test CA with keytool", e);
            }
            System.setProperty("greenmail.tls.keystore.file", instance.serverKeyStore().toString());
            System.setProperty("greenmail.tls.keystore.password", PASSWORD);
        }
        return instance;
    }

    /** The CA certificate, PEM: what a user would configure as {@code ca_file}. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** PKCS#12 key store holding the server key and its chain, for {@code localhost} only. */
    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    private static void make(Path dir) throws IOException, InterruptedException {
        String ca = dir.resolve("ca.p12").toString();
        String server = dir.resolve("server.p12").toString();
        keytool(dir, null, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=mailprobe test CA", "-ext", "bc:c", "-validity", "3650",
                "-keystore", ca, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "ca.pem", "-exportcert", "-alias", "ca", "-rfc", "-keystore", ca, "-storepass", PASSWORD);
        keytool(dir, null, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-validity", "3650",
                "-keystore", server, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "server.csr", "-certreq", "-alias", "server", "-keystore", server, "-storepass", PASSWORD);
        keytool(dir, "server.pem", "-gencert", "-alias", "ca", "-keystore", ca, "-storepass", PASSWORD,
                "-infile", dir.resolve("server.csr").toString(), "-rfc", "-validity", "3650",
                "-ext", "san=dns:localhost", "-ext", "eku=serverAuth");
        keytool(dir, null, "-importcert", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", server, "-storepass", PASSWORD, "-noprompt");
        keytool(dir, null, "-importcert", "-alias", "server", "-file", dir.resolve("server.pem").toString(),
                "-keystore", server, "-storepass", PASSWORD, "-noprompt");
    }

    private static void keytool(Path dir, String stdoutFile, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.redirectErrorStream(stdoutFile == null);
        if (stdoutFile != null) {
            pb.redirectOutput(dir.resolve(stdoutFile).toFile());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + new String(out));
        }
    }
}
