package org.mailprobe.agent.report;

import java.time.Instant;

/**
 * Epoch milliseconds of the timestamps the journal writes ({@link Instant#toString()}: {@code
 * 2025-06-01T09:00:00.250Z}) without building a parser's state for each of the millions a month
 * holds (issue 13). Anything else, valid or not, goes to {@link Instant#parse}, so the result (or
 * the exception) is always Instant.parse's.
 */
final class IsoInstants {
    private static final long DAYS_0000_TO_1970 = 146_097L * 5 - (30L * 365 + 7);

    private IsoInstants() {}

    static long millis(String s) {
        long fast = fast(s);
        return fast != Long.MIN_VALUE ? fast : Instant.parse(s).toEpochMilli();
    }

    /** The millis of the plain form, or Long.MIN_VALUE for anything else. */
    private static long fast(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > length(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        int nanos = 0;
        if (n > 20) {
            int digits = n - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return Long.MIN_VALUE;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return Long.MIN_VALUE;
            }
            nanos = fraction;
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long seconds = epochDay(year, month, day) * 86_400 + hour * 3_600L + minute * 60L + second;
        return seconds * 1000 + nanos / 1_000_000;
    }

    /** The decimal number in s[from, to), or -1 if a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean leap(long year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int length(int year, int month) {
        return switch (month) {
            case 2 -> leap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** As LocalDate.toEpochDay, for years 0 to 9999. */
    private static long epochDay(long y, long m, long d) {
        long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400 + (367 * m - 362) / 12 + d - 1;
        if (m > 2) {
            total -= leap(y) ? 1 : 2;
        }
        return total - DAYS_0000_TO_1970;
    }
}
