package org.mailprobe.agent.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.stream.Stream;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.journal.JournalVerifier;
import org.mailprobe.agent.report.MonthlyReport;
import org.mailprobe.agent.report.ReportFormats;

/**
 * A month of one agent probing {@code routes} routes every minute, journaled on a synthetic clock;
 * prints write rate (with fsync at an interval, and with fsync always on a sample), bytes per
 * probe, verify rate and report time (wall and CPU). Arguments: [routes=100] [days=30] [dir=a temp dir];
 * or {@code --read DIR}: only verify and report the month journal already in DIR (a previous run's
 * {@code month} directory), to compare two builds on the same files.
 */
public final class JournalBenchmark {
    private JournalBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--read")) {
            System.out.printf("Journal benchmark: verify and report of %s%n", args[1]);
            verifyAndReport(Path.of(args[1]));
            return;
        }
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("journal-bench");
        Instant start = Instant.parse("2025-06-01T00:00:00Z");

        Path always = Files.createDirectories(dir.resolve("always"));
        int sample = 2000;
        long t0 = System.nanoTime();
        try (JournalFixture f = new JournalFixture(always, start)) {
            for (int i = 0; i < sample; i++) {
                f.probe("acct" + (i % routes), start.plusSeconds(i), start.plusSeconds(i), Duration.ofMillis(800),
                        "imap");
            }
        }
        double alwaysRate = sample / ((System.nanoTime() - t0) / 1e9);

        Path month = Files.createDirectories(dir.resolve("month"));
        JournalConfig config = new JournalConfig(month, JournalConfig.Rotation.DAILY, Duration.ofDays(90),
                Duration.ofSeconds(1));
        long records = 0;
        t0 = System.nanoTime();
        try (JournalFixture f = new JournalFixture(month, start, config)) {
            for (int m = 0; m < days * 1440; m++) {
                Instant minute = start.plus(Duration.ofMinutes(m));
                for (int r = 0; r < routes; r++) {
                    Instant s = minute.plusMillis(r * 500L);
                    Duration delay = Duration.ofMillis(300 + (m * 7L + r * 13L) % 5000);
                    f.probe("acct" + r, s.plusMillis(200), s, delay, "imap");
                    records++;
                }
            }
        }
        double writeSeconds = (System.nanoTime() - t0) / 1e9;
        long bytes;
        long plainBytes = 0;
        try (Stream<Path> files = Files.list(month)) {
            bytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        for (Path p : JournalFixture.files(month)) {
            plainBytes += p.toString().endsWith(".gz") ? 0 : Files.size(p);
        }
        System.out.printf("Journal benchmark: %d routes every minute for %d days = %,d probe records%n", routes, days,
                records);
        System.out.printf("  write, fsync always:   %,.0f records/s (%d-record sample)%n", alwaysRate, sample);
        System.out.printf("  write, fsync 1s:       %,.0f records/s (%.1f s for the month, gzip in background)%n",
                records / writeSeconds, writeSeconds);
        System.out.printf("  on disk:               %,d bytes (%.0f bytes per probe; the current segment, %,d bytes, "
                + "uncompressed)%n", bytes, bytes / (double) records, plainBytes);
        System.out.flush();
        verifyAndReport(month);
    }

    /**
     * Times verify and the HTML report on {@code month}, wall and this process's CPU (under a shared
     * machine's load the CPU time says more about the work than the wall time).
     */
    static void verifyAndReport(Path month) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        JournalVerifier.Result v = JournalVerifier.verify(month);
        double verifySeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("  verify:                %,.0f records/s (%.1f s, %.1f s CPU), chain %s%n",
                v.records() / verifySeconds, verifySeconds, (os.getProcessCpuTime() - c0) / 1e9,
                v.ok() ? "whole" : "BROKEN: " + v.problem());
        System.out.flush();
        c0 = os.getProcessCpuTime();
        t0 = System.nanoTime();
        String html = ReportFormats.html(MonthlyReport.compute(month, YearMonth.of(2025, 6)));
        double reportSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("  report (html):         %.1f s, %.1f s CPU (%,d bytes)%n", reportSeconds,
                (os.getProcessCpuTime() - c0) / 1e9, html.length());
    }
}
