package org.mailprobe.agent.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients that send half a request and stall cannot starve the endpoints, and are closed by the
 * server after the request deadline (issue 11: two such clients blocked every endpoint for more
 * than 145 s). Run in a fresh JVM of the running JDK, and of each other JDK 17+ found under
 * /usr/lib/jvm, since the limits are the JDK's own.
 */
@Timeout(180)
class SlowClientsTest {
    /** More than the old two workers, and a fair share of the connection cap. */
    static final int STALLERS = 12;

    static Stream<Path> javas() throws IOException {
        List<Path> found = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                dirs.filter(d -> !Files.isSymbolicLink(d) && d.getFileName().toString().matches(".*-(2[1-9]|[3-9]\\d)(-.*)?"))
                        .map(d -> d.resolve("bin").resolve("java"))
                        .filter(Files::isExecutable)
                        .forEach(found::add);
            }
        }
        return found.stream();
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("javas")
    void halfSentRequestsNeitherStarveTheEndpointsNorStayOpenPastTheDeadline(Path java) throws Exception {
        Process server = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                WebServerProcess.class.getName())
                .redirectError(dir.resolve("server.err").toFile())
                .start();
        List<Socket> stallers = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("port="), "no port from the server: " + line
                    + "\n" + Files.readString(dir.resolve("server.err")));
            int port = Integer.parseInt(line.substring("port=".length()));

            for (int i = 0; i < STALLERS; i++) {
                Socket s = new Socket("127.0.0.1", port);
                OutputStream o = s.getOutputStream();
                o.write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/pl")
                        .getBytes(StandardCharsets.US_ASCII));
                o.flush();
                stallers.add(s);
            }

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (String path : List.of("/metrics", "/-/healthy", "/-/ready")) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), path);
            }
            for (Socket s : stallers) {
                assertTrue(stillOpen(s), "a staller was closed before the deadline, so it did not test starvation");
            }

            long deadline = System.nanoTime() + JdkServerLimits.REQUEST_DEADLINE.plusSeconds(20).toNanos();
            for (Socket s : stallers) {
                assertTrue(closedByServerBefore(s, deadline), "a staller was still open well past the request "
                        + "deadline of " + JdkServerLimits.REQUEST_DEADLINE.toSeconds() + "s");
            }
        } finally {
            for (Socket s : stallers) {
                s.close();
            }
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean stillOpen(Socket s) throws IOException {
        s.setSoTimeout(50);
        try {
            s.getInputStream().read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean closedByServerBefore(Socket s, long deadlineNanos) throws IOException {
        while (System.nanoTime() < deadlineNanos) {
            s.setSoTimeout((int) Math.max(1, Math.min(1000, (deadlineNanos - System.nanoTime()) / 1_000_000)));
            try {
                if (s.getInputStream().read() == -1) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // Not yet; look again until the deadline.
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }
}
