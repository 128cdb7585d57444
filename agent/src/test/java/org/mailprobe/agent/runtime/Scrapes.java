package org.mailprobe.agent.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a Prometheus text page over HTTP, as Prometheus would. */
public final class Scrapes {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Scrapes() {}

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of every sample of {@code metric} whose labels contain all of {@code labels}. */
    public static double value(String page, String metric, String... labels) {
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(page);
        outer:
        while (m.find()) {
            for (String label : labels) {
                if (!m.group(1).contains(label)) {
                    continue outer;
                }
            }
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    /** Scrapes {@code url} until {@code done} holds for the page, or the time is up; returns the last page. */
    public static String until(String url, Duration within, Predicate<String> done) throws IOException, InterruptedException {
        Instant until = Instant.now().plus(within);
        String page = "";
        while (Instant.now().isBefore(until)) {
            page = get(url).body();
            if (done.test(page)) {
                return page;
            }
            Thread.sleep(200);
        }
        return page;
    }
}
