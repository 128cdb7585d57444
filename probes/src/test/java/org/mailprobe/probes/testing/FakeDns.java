package org.mailprobe.probes.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DNS server on a random loopback UDP port that answers MX queries (RFC 1035 section 4) from a
 * table: a known domain gets its records ("10 mx.example.test"), any other name NXDOMAIN. When
 * {@code silent}, it reads queries and never answers, as a dead resolver would.
 */
public final class FakeDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, List<String>> mx;
    private final boolean silent;

    public FakeDns(Map<String, List<String>> mx, boolean silent) throws SocketException {
        this.mx = mx;
        this.silent = silent;
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "fake-dns");
        t.setDaemon(true);
        t.start();
    }

    /** {@code 127.0.0.1:port}, as a resolver address. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                if (silent) {
                    continue;
                }
                byte[] answer = answer(query.getData(), query.getLength());
                socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                // closed, or a query we cannot read: drop it
            }
        }
    }

    private byte[] answer(byte[] q, int length) {
        int i = 12;
        StringBuilder name = new StringBuilder();
        while (q[i] != 0) {
            int n = q[i];
            name.append(name.length() == 0 ? "" : ".").append(new String(q, i + 1, n, StandardCharsets.US_ASCII));
            i += n + 1;
        }
        int questionEnd = i + 5; // the root label, QTYPE, QCLASS
        List<String> records = mx.get(name.toString().toLowerCase(Locale.ROOT));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(q[0]);
        out.write(q[1]);
        out.write(0x81); // response, recursion desired
        out.write(records == null ? 0x83 : 0x80); // recursion available; NXDOMAIN when unknown
        short16(out, 1);
        short16(out, records == null ? 0 : records.size());
        short16(out, 0);
        short16(out, 0);
        out.write(q, 12, questionEnd - 12);
        for (String record : records == null ? List.<String>of() : records) {
            String[] parts = record.split(" ");
            byte[] host = labels(parts[1]);
            out.write(0xC0); // the question's name, by pointer
            out.write(12);
            short16(out, 15); // MX
            short16(out, 1); // IN
            short16(out, 0);
            short16(out, 300); // TTL
            short16(out, 2 + host.length);
            short16(out, Integer.parseInt(parts[0]));
            out.write(host, 0, host.length);
        }
        return out.toByteArray();
    }

    private static byte[] labels(String host) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : host.split("\\.")) {
            if (!label.isEmpty()) {
                out.write(label.length());
                out.write(label.getBytes(StandardCharsets.US_ASCII), 0, label.length());
            }
        }
        out.write(0);
        return out.toByteArray();
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
    }

    @Override
    public void close() {
        socket.close();
    }
}
