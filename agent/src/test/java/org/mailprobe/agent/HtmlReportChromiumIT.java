package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.report.MonthlyReportTest;

/**
 * The packaged jar's HTML report, rendered by headless Chromium (Debian package {@code chromium}):
 * the page loads without console errors, and the screenshot shows the summary table's header band.
 */
@Timeout(120)
class HtmlReportChromiumIT {
    @TempDir
    Path dir;

    @Test
    void theHtmlReportRendersInChromiumWithItsSummaryTable() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            fail("Debian package 'chromium' is not installed (no /usr/bin/chromium): apt-get install -y chromium. "
                    + "The HTML report test needs a real browser; .ci/run installs it.");
        }
        Path journal = Files.createDirectory(dir.resolve("journal"));
        MonthlyReportTest.june(journal);
        Path html = dir.resolve("report.html");
        Path jar = Path.of(System.getProperty("mailprobe.jar", "target/mailprobe.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process report = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "report", "--journal",
                journal.toString(), "--month", "2025-06", "--format", "html").redirectOutput(html.toFile())
                .redirectError(dir.resolve("report.err").toFile()).start();
        assertTrue(report.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, report.exitValue(), Files.readString(dir.resolve("report.err")));

        Path png = dir.resolve("shot.png");
        Path log = dir.resolve("chromium.log");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")),
                "--screenshot=" + png, "--window-size=1200,900", html.toUri().toString()));
        Process browser = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(browser.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(Files.exists(png), "no screenshot; chromium said:\n" + output);
        for (String line : output.split("\n")) {
            if (line.contains("CONSOLE") || line.contains("Uncaught") || line.contains("Failed to load resource")) {
                fail("the page logged an error in the browser console: " + line);
            }
        }

        BufferedImage shot = ImageIO.read(png.toFile());
        int header = 0;
        int ink = 0;
        for (int y = 0; y < shot.getHeight(); y++) {
            for (int x = 0; x < shot.getWidth(); x++) {
                int rgb = shot.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.abs(r - 0x1f) <= 4 && Math.abs(g - 0x4e) <= 4 && Math.abs(b - 0x79) <= 4) {
                    header++;
                }
                if (r < 200 || g < 200 || b < 200) {
                    ink++;
                }
            }
        }
        int all = shot.getWidth() * shot.getHeight();
        assertTrue(header > 2_000, "the summary table's header band (#1f4e79) is not on screen: " + header
                + " pixels of it");
        assertTrue(ink > all / 50, "the page is nearly blank: " + ink + " of " + all + " pixels not white");
    }
}
