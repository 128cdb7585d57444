package org.mailprobe.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exposition of a 1,000-route agent stays under the size budget of issue 13 (4 MiB, for a
 * scrape under 100 ms): it was about 26 MiB, 80% of it per-route SMTP stage histograms.
 */
@Timeout(120)
class ExpositionSizeTest {
    static final int ROUTES = 1_000;
    static final long BUDGET_BYTES = 4L * 1024 * 1024;
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    final RouteScaleMetrics agent = new RouteScaleMetrics(ROUTES);
    final PrometheusMeterRegistry registry = agent.registry();

    @Test
    void aThousandRouteExpositionInTheTextFormatStaysUnderFourMebibytes() throws IOException {
        assertUnderBudget(TEXT);
    }

    @Test
    void aThousandRouteExpositionInOpenMetricsStaysUnderFourMebibytes() throws IOException {
        assertUnderBudget(OPENMETRICS);
    }

    private void assertUnderBudget(String contentType) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        registry.scrape(out, contentType);
        String body = out.toString(StandardCharsets.UTF_8);
        System.out.printf("Exposition of %d routes (%s): %,d bytes, %,d lines, %,d bytes a route%n", ROUTES,
                contentType.substring(0, contentType.indexOf(';')), out.size(), body.lines().count(),
                out.size() / ROUTES);

        // Every route is in it, so the bound is not met by leaving routes out.
        Matcher m = Pattern.compile("(?m)^mailprobe_last_success_timestamp_seconds\\{[^}]*route=\"").matcher(body);
        int routes = 0;
        while (m.find()) {
            routes++;
        }
        assertEquals(ROUTES, routes);
        assertTrue(out.size() < BUDGET_BYTES, out.size() + " bytes, over the budget of " + BUDGET_BYTES);
    }
}
