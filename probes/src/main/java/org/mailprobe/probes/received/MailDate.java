package org.mailprobe.probes.received;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the date-time that ends a Received header, as servers really write it.
 *
 * <p>RFC 5322 section 3.3 is tried first, through {@link DateTimeFormatter#RFC_1123_DATE_TIME}.
 * What it refuses goes through a tolerant token scan that accepts the obsolete forms of RFC 5322
 * section 4.3 (two- and three-digit years, named zones, missing day of week), missing seconds,
 * fractional seconds, comments anywhere (the {@code (UTC)} or {@code (envelope-from ...)} that
 * Postfix and Sendmail append), odd spacing, and the {@code java.util.Date#toString()} shape that
 * GreenMail writes ({@code Wed Nov 25 15:20:00 UTC 2026}). The scan is one pass over at most
 * {@link #MAX_CHARS} characters, so hostile input costs little.
 *
 * <p>A date without a zone, or with a zone name not in {@link #ZONES}, gives no instant: the
 * offset is unknown, and guessing would put a wrong figure into evidence.
 */
final class MailDate {
    /** No real date-time with its comments is longer; anything beyond is not read. */
    static final int MAX_CHARS = 256;

    /** RFC 5322 section 3.3: "year" is four or more digits, 1900 or later; we read at most four. */
    private static final int MIN_YEAR = 1900;

    /** Refuses 24:00 and 31 Feb, which the default (smart) resolver would quietly move. */
    private static final DateTimeFormatter STRICT =
            DateTimeFormatter.RFC_1123_DATE_TIME.withResolverStyle(ResolverStyle.STRICT);

    private static final String[] MONTHS =
            {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    private static final String[] FULL_MONTHS = {"january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december"};
    private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    /**
     * Named zones. RFC 5322 section 4.3 defines UT, GMT and the North American ones; UTC and the
     * European and Asian names are what {@code Date#toString()} prints on machines in those zones
     * (GreenMail's stamp). Ambiguous names (IST, for instance) are left out on purpose.
     */
    static final Map<String, Integer> ZONES = Map.ofEntries(
            Map.entry("UT", 0), Map.entry("UTC", 0), Map.entry("GMT", 0), Map.entry("Z", 0),
            Map.entry("EST", -5 * 60), Map.entry("EDT", -4 * 60),
            Map.entry("CST", -6 * 60), Map.entry("CDT", -5 * 60),
            Map.entry("MST", -7 * 60), Map.entry("MDT", -6 * 60),
            Map.entry("PST", -8 * 60), Map.entry("PDT", -7 * 60),
            Map.entry("WET", 0), Map.entry("WEST", 60), Map.entry("BST", 60),
            Map.entry("CET", 60), Map.entry("CEST", 2 * 60),
            Map.entry("EET", 2 * 60), Map.entry("EEST", 3 * 60), Map.entry("MSK", 3 * 60),
            Map.entry("HKT", 8 * 60), Map.entry("SGT", 8 * 60), Map.entry("JST", 9 * 60),
            Map.entry("KST", 9 * 60), Map.entry("AEST", 10 * 60), Map.entry("AEDT", 11 * 60));

    private MailDate() {}

    /** The instant the text names, or null when it names none. Never throws. */
    static @Nullable Instant parse(String text) {
        if (text == null) {
            return null;
        }
        String plain = withoutComments(text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text);
        if (plain.isEmpty()) {
            return null;
        }
        try {
            OffsetDateTime strict = OffsetDateTime.parse(plain, STRICT);
            return strict.getYear() < MIN_YEAR ? tolerant(plain) : strict.toInstant();
        } catch (DateTimeException strictFormatRefused) {
            return tolerant(plain);
        }
    }

    /**
     * Drops comments (found by {@link CommentScanner}; one left open runs to the end); collapses
     * whitespace to single spaces.
     */
    static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                int end = CommentScanner.end(text, i);
                if (end == CommentScanner.UNTERMINATED) {
                    break;
                }
                i = end - 1;
                space = true;
            } else if (c == ')' || c <= ' ') {
                space = true;
            } else {
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                space = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    private static @Nullable Instant tolerant(String plain) {
        List<String> words = words(plain);
        if (words.isEmpty() || words.size() > 12) {
            return null;
        }
        int month = -1;
        String time = null;
        Integer offsetMinutes = null;
        List<Integer> numbersBeforeMonth = new ArrayList<>();
        List<Integer> numbersAfterMonth = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            char first = w.charAt(0);
            if (w.indexOf(':') > 0 && Character.isDigit(first) && time == null) {
                time = w;
            } else if ((first == '+' || first == '-') && offsetMinutes == null) {
                offsetMinutes = numericOffset(w);
                if (offsetMinutes == null) {
                    return null;
                }
            } else if (isDigits(w)) {
                if (w.length() > 4) {
                    return null;
                }
                (month < 0 ? numbersBeforeMonth : numbersAfterMonth).add(Integer.parseInt(w));
            } else if (month < 0 && monthIndex(w) >= 0) {
                month = monthIndex(w) + 1;
            } else if (offsetMinutes == null && zoneMinutes(w) != null) {
                offsetMinutes = zoneMinutes(w);
            } else if (!isDayName(w) || i > 1) {
                return null;
            }
        }
        if (month < 0 || time == null || offsetMinutes == null) {
            return null;
        }
        // RFC 5322: "1 Jan 2024"; Date#toString and some others: "Jan 1 ... 2024".
        int day;
        int year;
        if (numbersBeforeMonth.size() == 1 && numbersAfterMonth.size() == 1) {
            day = numbersBeforeMonth.get(0);
            year = numbersAfterMonth.get(0);
        } else if (numbersBeforeMonth.isEmpty() && numbersAfterMonth.size() == 2) {
            day = numbersAfterMonth.get(0);
            year = numbersAfterMonth.get(1);
        } else {
            return null;
        }
        return at(obsoleteYear(year), month, day, time, offsetMinutes);
    }

    /** Splits at spaces and commas, dropping empty words; at most 13 words are kept. */
    private static List<String> words(String plain) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= plain.length() && words.size() <= 12; i++) {
            boolean separator = i == plain.length() || plain.charAt(i) == ' ' || plain.charAt(i) == ',';
            if (separator && start >= 0) {
                words.add(plain.substring(start, i));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return words;
    }

    /**
     * A named zone's offset in minutes, or null. RFC 5322 section 4.3: military one-letter zones
     * other than Z were defined wrongly in RFC 822 and are read as -0000 (UT, zone unknown).
     */
    private static @Nullable Integer zoneMinutes(String w) {
        String upper = w.toUpperCase(Locale.ROOT);
        if (upper.length() > 4 && (upper.startsWith("GMT") || upper.startsWith("UTC"))
                && (upper.charAt(3) == '+' || upper.charAt(3) == '-')) {
            // Date#toString() in a zone without an abbreviation: "GMT+05:30".
            return numericOffset(upper.substring(3));
        }
        if (upper.length() == 1 && upper.charAt(0) >= 'A' && upper.charAt(0) <= 'Z' && upper.charAt(0) != 'J') {
            return 0;
        }
        return ZONES.get(upper);
    }

    /** RFC 5322 section 4.3: 00-49 are 2000-2049, 50-99 and three digits are added to 1900. */
    private static int obsoleteYear(int year) {
        if (year < 50) {
            return 2000 + year;
        }
        if (year < 1000) {
            return 1900 + year;
        }
        return year;
    }

    private static @Nullable Instant at(int year, int month, int day, String time, int offsetMinutes) {
        String[] parts = time.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            return null;
        }
        String secondsText = parts.length == 3 ? parts[2] : "00";
        int dot = secondsText.indexOf('.');
        String fraction = dot >= 0 ? secondsText.substring(dot + 1) : "";
        String whole = dot >= 0 ? secondsText.substring(0, dot) : secondsText;
        if (!isDigits(parts[0]) || !isDigits(parts[1]) || !isDigits(whole) || parts[0].length() > 2
                || parts[1].length() != 2 || whole.length() != 2 || fraction.length() > 9
                || !(fraction.isEmpty() || isDigits(fraction))) {
            return null;
        }
        int second = Integer.parseInt(whole);
        // RFC 5322 section 3.3 allows 60 for a leap second; java.time does not.
        second = Math.min(second, 59);
        int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
        if (year < MIN_YEAR || year > 9999) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                            second, nanos)
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
        } catch (DateTimeException outOfRange) {
            return null;
        }
    }

    /** {@code +hhmm} (RFC 5322) or {@code +hh:mm}; null when malformed or beyond +-18:00. */
    private static @Nullable Integer numericOffset(String w) {
        String digits = w.substring(1).replace(":", "");
        if (digits.length() != 4 || !isDigits(digits)) {
            return null;
        }
        int hours = Integer.parseInt(digits.substring(0, 2));
        int minutes = Integer.parseInt(digits.substring(2));
        if (hours > 18 || minutes > 59) {
            return null;
        }
        int total = hours * 60 + minutes;
        return w.charAt(0) == '-' ? -total : total;
    }

    private static int monthIndex(String w) {
        String lower = w.toLowerCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (lower.equals(MONTHS[i]) || lower.equals(FULL_MONTHS[i])) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDayName(String w) {
        String lower = w.toLowerCase(Locale.ROOT);
        for (String day : DAYS) {
            if (lower.startsWith(day)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
