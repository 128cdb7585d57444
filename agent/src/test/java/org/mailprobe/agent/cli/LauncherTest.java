package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code deploy/bin/mailprobe} (issue 13), run as a user runs it: the first probe
 * writes a class data sharing archive and the next run maps it, and an archive directory that
 * cannot be used, or an archive the JVM refuses, never stops the command.
 */
@Timeout(300)
class LauncherTest {
    static final Path LAUNCHER = Path.of("..", "deploy", "bin", "mailprobe").toAbsolutePath();

    @TempDir
    static Path shared;

    /** A runnable jar as the build makes it: the project's classes inside, the libraries on its Class-Path. */
    static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void runnableJar() throws IOException {
        jar = shared.resolve("mailprobe.jar");
        List<String> libraries = new ArrayList<>();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.mailprobe.agent.Main");
        List<Path> classDirs = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && p.getFileName().toString().equals("classes")) {
                classDirs.add(p);
            } else if (entry.endsWith(".jar")) {
                libraries.add(p.toUri().toString());
            }
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", libraries));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (Path classes : classDirs) {
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        String name = classes.relativize(f).toString().replace(File.separatorChar, '/');
                        if (name.startsWith("META-INF/MANIFEST")) {
                            continue;
                        }
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
    }

    record Run(int exit, String output) {}

    Run launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MAILPROBE_JAR", jar.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAILPROBE_JAVA");
        pb.environment().remove("MAILPROBE_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher did not end");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static List<Path> archives(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(f -> f.toString().endsWith(".jsa")).toList();
        }
    }

    static void assertProbeHelp(Run run) {
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("Usage: mailprobe probe"), run.output());
        assertFalse(run.output().contains("cds"), "no JVM note about the archive: " + run.output());
    }

    @Test
    void theFirstProbeWritesAnArchiveAndTheSecondRunMapsItsClasses() throws Exception {
        Path cache = dir.resolve("cache");
        Path classLog = dir.resolve("classes.log");

        Run first = launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString()), "probe", "--help");
        Run second = launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString(),
                "MAILPROBE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "probe", "--help");

        assertProbeHelp(first);
        assertProbeHelp(second);
        assertEquals(1, archives(cache).size(), "one archive: " + archives(cache));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        List<String> log = Files.readAllLines(classLog);
        assertTrue(log.stream().anyMatch(l -> l.contains("org.mailprobe.agent.cli.ProbeCommand ")
                && l.contains("shared objects file")), "ProbeCommand from the archive");
    }

    @Test
    void anArchiveDirectoryThatCannotBeMadeLeavesTheCommandWorking() throws Exception {
        // Not even root may make a directory here.
        Path cache = Path.of("/proc/mailprobe-launcher-test");

        Run first = launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString()), "probe", "--help");
        Run second = launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString()), "probe", "--help");

        assertProbeHelp(first);
        assertProbeHelp(second);
        assertFalse(Files.exists(cache));
    }

    @Test
    void anArchiveDirectoryThatOthersMayWriteIsNotUsed() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("shared-cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

        Run first = launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString()), "probe", "--help");
        Run second = launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString()), "probe", "--help");

        assertProbeHelp(first);
        assertProbeHelp(second);
        assertEquals(List.of(), archives(cache));
    }

    @Test
    void anArchiveTheJvmRefusesLeavesTheCommandWorking() throws Exception {
        Path cache = dir.resolve("cache");
        launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString()), "probe", "--help");
        Path archive = archives(cache).get(0);
        // As an archive of another JDK build would be: not one this JVM can map.
        archive.toFile().setWritable(true);
        try (OutputStream out = Files.newOutputStream(archive)) {
            out.write("not an archive of this JDK".getBytes(StandardCharsets.US_ASCII));
        }

        assertProbeHelp(launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString()), "probe", "--help"));
    }

    @Test
    void runGetsNoFlagsOfTheLaunchers() throws Exception {
        Path cache = dir.resolve("cache");

        Run run = launch(Map.of("MAILPROBE_CACHE_DIR", cache.toString(),
                "MAILPROBE_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "run", "--help");

        assertEquals(0, run.exit(), run.output());
        assertFalse(run.output().contains("-XX:+UseSerialGC"), run.output());
        assertFalse(run.output().contains("TieredStopAtLevel"), run.output());
        assertEquals(List.of(), archives(cache));
    }
}
