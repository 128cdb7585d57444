package org.mailprobe.agent.config;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;
import java.util.Set;

/**
 * Announced maintenance (contract clause 8c): time inside a window is accounted as excluded, not
 * down, while the checks go on and are recorded. A window applies to the services it names, or to
 * every endpoint and service if it names none.
 */
public interface MaintenanceWindow {
    boolean covers(Instant t);

    /** The first instant after {@code t} at which {@link #covers} may change. */
    Instant nextBoundaryAfter(Instant t);

    String note();

    /** The services it applies to; empty for all. */
    Set<String> services();

    /** Where it was configured, e.g. {@code maintenance.yml: maintenance[2]}, for logs and the state file. */
    String source();

    default boolean appliesTo(Set<String> serviceNames) {
        return services().isEmpty() || serviceNames.stream().anyMatch(services()::contains);
    }

    /** A one-off window, {@code [start, end)}. */
    record OneOff(Instant start, Instant end, String note, Set<String> services, String source)
            implements MaintenanceWindow {
        public OneOff {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            services = Set.copyOf(services);
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("end must be after start");
            }
        }

        @Override
        public boolean covers(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }

        @Override
        public Instant nextBoundaryAfter(Instant t) {
            return t.isBefore(start) ? start : t.isBefore(end) ? end : Instant.MAX;
        }
    }

    /**
     * A weekly window: every {@code day} at {@code time} in {@code zone}, for {@code duration}
     * (less than a week). On a day when {@code time} does not exist (a DST gap) it starts at the
     * time the zone's rules move it to.
     */
    record Weekly(DayOfWeek day, LocalTime time, Duration duration, ZoneId zone, String note, Set<String> services,
            String source) implements MaintenanceWindow {
        public Weekly {
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(zone, "zone");
            services = Set.copyOf(services);
            if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(7)) >= 0) {
                throw new IllegalArgumentException("duration must be more than 0 and less than 7 days");
            }
        }

        @Override
        public boolean covers(Instant t) {
            Instant start = latestStartAtOrBefore(t);
            return t.isBefore(start.plus(duration));
        }

        @Override
        public Instant nextBoundaryAfter(Instant t) {
            Instant start = latestStartAtOrBefore(t);
            Instant end = start.plus(duration);
            return t.isBefore(end) ? end : startOn(dateOf(start).plusWeeks(1));
        }

        private Instant latestStartAtOrBefore(Instant t) {
            LocalDate date = t.atZone(zone).toLocalDate().with(TemporalAdjusters.previousOrSame(day));
            Instant start = startOn(date);
            return start.isAfter(t) ? startOn(date.minusWeeks(1)) : start;
        }

        private LocalDate dateOf(Instant start) {
            return start.atZone(zone).toLocalDate().with(TemporalAdjusters.previousOrSame(day));
        }

        private Instant startOn(LocalDate date) {
            return ZonedDateTime.of(date, time, zone).toInstant();
        }
    }
}
