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

    /** A key store for {@code wrong.invalid}, signed by this CA: a trusted certificate for another host. */
    public Path wrongHostKeyStore() {
        return hostileStores().resolve("wrong-host.p12");
    }

    /** A key store for {@code localhost}, signed by this CA, whose validity ended 20 days ago. */
    public Path expiredKeyStore() {
        return hostileStores().resolve("expired.p12");
    }

    /** A key store for {@code localhost} signed by a CA of its own that nobody trusts. */
    public Path untrustedKeyStore() {
        return hostileStores().resolve("untrusted.p12");
    }

    /**
     * Makes the three hostile key stores at once, on first use, each from one keytool
     * {@code -genkeypair -signer} (three JVM starts in parallel rather than a dozen in a row), so
     * nothing committed ever expires.
     */
    private synchronized Path hostileStores() {
        if (Files.exists(dir.resolve("untrusted.p12"))) {
            return dir;
        }
        try {
            Files.copy(dir.resolve("ca.p12"), dir.resolve("ca-wrong-host.p12"));
            Files.copy(dir.resolve("ca.p12"), dir.resolve("ca-expired.p12"));
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                List<java.util.concurrent.Future<Void>> made = List.of(
                        pool.submit(() -> signed("ca-wrong-host.p12", "wrong-host.p12", "CN=wrong.invalid",
                                "san=dns:wrong.invalid", null, "3650")),
                        pool.submit(() -> signed("ca-expired.p12", "expired.p12", "CN=localhost", "san=dns:localhost",
                                "-30d", "10")),
                        pool.submit(() -> {
                            keytool(dir, null, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname",
                                    "CN=an untrusted CA", "-ext", "bc:c", "-validity", "3650", "-keystore",
                                    dir.resolve("ca-untrusted.p12").toString(), "-storetype", "PKCS12", "-storepass",
                                    PASSWORD);
                            return signed("ca-untrusted.p12", "untrusted.p12", "CN=localhost", "san=dns:localhost",
                                    null, "3650");
                        }));
                for (java.util.concurrent.Future<Void> f : made) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the hostile test key stores with keytool", e);
        }
        return dir;
    }

    /**
     * A server key for {@code dname} whose certificate the CA in {@code caStore} signs, written
     * alone (key and chain) to {@code name}.
     */
    private Void signed(String caStore, String name, String dname, String san, String startDate, String validity)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-dname", dname, "-signer", "ca", "-validity", validity, "-ext", san, "-ext", "eku=serverAuth",
                "-keystore", dir.resolve(caStore).toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        if (startDate != null) {
            args.addAll(List.of("-startdate", startDate));
        }
        keytool(dir, null, args.toArray(new String[0]));
        java.security.KeyStore both = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(dir.resolve(caStore))) {
            both.load(in, PASSWORD.toCharArray());
        }
        java.security.KeyStore alone = java.security.KeyStore.getInstance("PKCS12");
        alone.load(null, null);
        alone.setKeyEntry("server", both.getKey("server", PASSWORD.toCharArray()), PASSWORD.toCharArray(),
                both.getCertificateChain("server"));
        try (java.io.OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            alone.store(out, PASSWORD.toCharArray());
        }
        return null;
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
        // keytool is a JVM start each time; these make it start sooner on a busy machine.
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
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
