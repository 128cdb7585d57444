package org.mailprobe.agent.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;

/**
 * The agent's web server alone in a JVM of its own, for {@link SlowClientsTest}: the JDK reads its
 * server limits once per JVM, so they are tested where no other server came first. Prints
 * {@code port=N}, then serves until its standard input closes.
 */
final class WebServerProcess {
    private WebServerProcess() {}

    public static void main(String[] args) throws Exception {
        try (WebServer web = new WebServer(new InetSocketAddress("127.0.0.1", 0),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true)) {
            web.start();
            System.out.println("port=" + web.address().getPort());
            System.out.flush();
            while (System.in.read() != -1) {
                // Until the test closes our standard input (or ends).
            }
        }
    }
}
