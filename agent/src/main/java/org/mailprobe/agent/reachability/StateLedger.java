package org.mailprobe.agent.reachability;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.MaintenanceWindow;
import org.mailprobe.agent.config.ServiceConfig;
import org.mailprobe.agent.metrics.StateTime;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;

/**
 * The clause-2 accounting: which state each endpoint and service is in, and how many milliseconds
 * each has spent in each state since the agent started.
 *
 * <p>The rules (docs/REACHABILITY.md): a check's verdict (after its retries) holds from the moment
 * that check <em>started</em> until the next check starts. So a down period starts at the start of
 * the first check that fails and ends at the start of the first check that passes again. To keep
 * the counters monotonic and still exact, time is accounted only up to a horizon: now, or the
 * start of the oldest check still running if that is earlier (a check's verdict may change the
 * state from its start on). The horizon moves on every finished check and every second, so the
 * counters advance continuously, at most one check's duration behind the clock.
 *
 * <p>Maintenance windows cut the accounted time exactly at their edges. Control targets: while
 * every one of them fails, a failing endpoint is accounted unknown, not down (our own network,
 * not the provider's). All methods are thread-safe.
 */
public final class StateLedger {
    public static final String ENDPOINT = "endpoint";
    public static final String SERVICE = "service";

    private final Supplier<Instant> clock;
    private final Consumer<StateChange> changes;
    private final Map<String, Track> endpoints = new LinkedHashMap<>();
    private final Map<String, ServiceTrack> services = new LinkedHashMap<>();
    private final Map<String, Track> controls = new LinkedHashMap<>();
    private final PriorityQueue<Verdict> verdicts =
            new PriorityQueue<>((a, b) -> a.started.compareTo(b.started));
    private List<MaintenanceWindow> windows;
    private Instant horizon;

    /**
     * @param clock the agent clock
     * @param endpoints each endpoint's name and the names of the services it belongs to
     * @param services the services
     * @param controls the control targets' names
     * @param windows the maintenance windows at start
     * @param changes where each state change goes (the state file), called under the ledger's lock
     */
    public StateLedger(Supplier<Instant> clock, Map<String, Set<String>> endpoints,
            Collection<ServiceConfig> services, Collection<String> controls, List<MaintenanceWindow> windows,
            Map<String, Boolean> required, Consumer<StateChange> changes) {
        this.clock = clock;
        this.changes = changes;
        this.windows = List.copyOf(windows);
        this.horizon = clock.get();
        endpoints.forEach((name, memberOf) -> this.endpoints.put(name,
                new Track(ENDPOINT, name, memberOf, required.getOrDefault(name, true))));
        for (ServiceConfig s : services) {
            List<Track> members = new ArrayList<>();
            for (String e : s.endpoints()) {
                Track t = this.endpoints.get(e);
                if (t != null && t.required) {
                    members.add(t);
                }
            }
            this.services.put(s.name(), new ServiceTrack(s.name(), members, s.downWhen()));
        }
        for (String c : controls) {
            this.controls.put(c, new Track("control", c, Set.of(), false));
        }
        for (Track t : this.endpoints.values()) {
            record(t, horizon, Availability.UNKNOWN, "", "", "the agent started");
            t.state = Availability.UNKNOWN;
        }
        for (ServiceTrack s : this.services.values()) {
            record(s.track, horizon, Availability.UNKNOWN, "", "", "the agent started");
            s.track.state = Availability.UNKNOWN;
        }
    }

    /** The accounted time and state of an endpoint, for the metrics. */
    public @Nullable StateTime endpoint(String name) {
        return endpoints.get(name);
    }

    public StateTime service(String name) {
        return Objects.requireNonNull(services.get(name), name).track;
    }

    /** A check of an endpoint or control target begins; returns its start, the moment its verdict will hold from. */
    public synchronized Instant checkStarted(String name) {
        Track t = track(name);
        Instant now = clock.get();
        t.pendingSince = now.isBefore(horizon) ? horizon : now;
        return t.pendingSince;
    }

    /** The check that began at {@code started} has a verdict; accounts everything it makes certain. */
    public synchronized void checkFinished(String name, Instant started, boolean passed, @Nullable Stage stage, Reason reason,
            String detail) {
        Track t = track(name);
        t.pendingSince = null;
        verdicts.add(new Verdict(t, started.isBefore(horizon) ? horizon : started, passed,
                stage == null ? "" : stage.label(), reason == null ? "" : reason.label(), detail));
        advance();
    }

    /** Accounts time up to the horizon; called every second and after every verdict. */
    public synchronized void advance() {
        Instant until = clock.get();
        for (Track t : endpoints.values()) {
            until = earlier(until, t.pendingSince);
        }
        for (Track t : controls.values()) {
            until = earlier(until, t.pendingSince);
        }
        while (!verdicts.isEmpty() && !verdicts.peek().started.isAfter(until)) {
            Verdict v = verdicts.poll();
            accountUntil(v.started);
            v.track.passed = v.passed;
            v.track.stage = v.stage;
            v.track.reason = v.reason;
            v.track.detail = v.detail;
        }
        accountUntil(until);
    }

    /** New maintenance windows (a reload): they apply from the horizon on; time already accounted stays. */
    public synchronized void replaceWindows(List<MaintenanceWindow> newWindows) {
        advance();
        windows = List.copyOf(newWindows);
        accountUntil(horizon);
    }

    public synchronized Instant horizon() {
        return horizon;
    }

    /** Whether every control target's last check failed (false if there are none). */
    public synchronized boolean controlsDown() {
        if (controls.isEmpty()) {
            return false;
        }
        for (Track c : controls.values()) {
            if (!Boolean.FALSE.equals(c.passed)) {
                return false;
            }
        }
        return true;
    }

    private Track track(String name) {
        Track t = endpoints.get(name);
        if (t == null) {
            t = controls.get(name);
        }
        if (t == null) {
            throw new IllegalArgumentException("no endpoint or control named " + name);
        }
        return t;
    }

    private static Instant earlier(Instant a, @Nullable Instant b) {
        return b != null && b.isBefore(a) ? b : a;
    }

    /** Accounts [horizon, until), cut at every window edge in between. */
    private void accountUntil(Instant until) {
        while (horizon.isBefore(until)) {
            Instant next = until;
            List<MaintenanceWindow> active = new ArrayList<>();
            for (MaintenanceWindow w : windows) {
                if (w.covers(horizon)) {
                    active.add(w);
                }
                Instant edge = w.nextBoundaryAfter(horizon);
                if (edge.isBefore(next)) {
                    next = edge;
                }
            }
            boolean ownNetworkDown = controlsDown();
            long millis = Duration.between(horizon, next).toMillis();
            for (Track t : endpoints.values()) {
                t.account(horizon, endpointState(t, active, ownNetworkDown), millis, active);
            }
            for (ServiceTrack s : services.values()) {
                Availability state = serviceState(s, active);
                if (state != s.track.state) {
                    s.explain(state);
                }
                s.track.account(horizon, state, millis, active);
            }
            horizon = next;
        }
    }

    private static Availability endpointState(Track t, List<MaintenanceWindow> active, boolean ownNetworkDown) {
        if (covered(t, active)) {
            return Availability.EXCLUDED;
        }
        if (t.passed == null) {
            return Availability.UNKNOWN;
        }
        if (t.passed) {
            return Availability.UP;
        }
        return ownNetworkDown ? Availability.UNKNOWN : Availability.DOWN;
    }

    private static Availability serviceState(ServiceTrack s, List<MaintenanceWindow> active) {
        if (covered(s.track, active)) {
            return Availability.EXCLUDED;
        }
        int down = 0;
        int unknown = 0;
        for (Track m : s.members) {
            if (m.state == Availability.DOWN) {
                down++;
            } else if (m.state == Availability.UNKNOWN) {
                unknown++;
            }
        }
        if (s.downWhen == ServiceConfig.DownWhen.ANY) {
            return down > 0 ? Availability.DOWN : unknown > 0 ? Availability.UNKNOWN : Availability.UP;
        }
        int n = s.members.size();
        return down == n ? Availability.DOWN : down + unknown == n ? Availability.UNKNOWN : Availability.UP;
    }

    private static boolean covered(Track t, List<MaintenanceWindow> active) {
        for (MaintenanceWindow w : active) {
            if (w.appliesTo(t.memberOf)) {
                return true;
            }
        }
        return false;
    }

    private void record(Track t, Instant at, Availability state, String stage, String reason, String detail) {
        changes.accept(new StateChange(at, t.scope, t.name, t.state, state, stage, reason, detail));
    }

    /** One endpoint, control target or service. */
    private final class Track implements StateTime {
        final String scope;
        final String name;
        /** For an endpoint, its services; for a service, itself. */
        final Set<String> memberOf;
        final boolean required;
        final AtomicLongArray millis = new AtomicLongArray(Availability.values().length);
        volatile @Nullable Availability state;
        @Nullable Boolean passed;
        @Nullable Instant pendingSince;
        String stage = "";
        String reason = "";
        String detail = "";

        Track(String scope, String name, Set<String> memberOf, boolean required) {
            this.scope = scope;
            this.name = name;
            this.memberOf = Set.copyOf(memberOf);
            this.required = required;
        }

        void account(Instant from, Availability now, long ms, List<MaintenanceWindow> active) {
            if (now != state) {
                if (now == Availability.EXCLUDED) {
                    record(this, from, now, "", "", "maintenance: " + notes(active));
                } else if (now == Availability.DOWN || now == Availability.UNKNOWN) {
                    record(this, from, now, stage, reason, detailFor(now));
                } else {
                    record(this, from, now, "", "", "");
                }
                state = now;
            }
            millis.addAndGet(now.ordinal(), ms);
        }

        private String detailFor(Availability now) {
            if (scope.equals(SERVICE)) {
                return detail;
            }
            if (now == Availability.UNKNOWN && passed == null) {
                return "no check has finished yet";
            }
            if (now == Availability.UNKNOWN) {
                return "every control target fails too: " + detail;
            }
            return detail;
        }

        @Override
        public double seconds(String stateLabel) {
            return millis.get(Availability.valueOf(stateLabel.toUpperCase(java.util.Locale.ROOT)).ordinal()) / 1000.0;
        }

        @Override
        public String current() {
            Availability s = state;
            return s == null ? Availability.UNKNOWN.label() : s.label();
        }
    }

    private final class ServiceTrack {
        final Track track;
        final List<Track> members;
        final ServiceConfig.DownWhen downWhen;

        ServiceTrack(String name, List<Track> members, ServiceConfig.DownWhen downWhen) {
            this.track = new Track(SERVICE, name, Set.of(name), true);
            this.members = members;
            this.downWhen = downWhen;
        }

        /** A service's failing stage and reason are those of the first member in the state it enters. */
        void explain(Availability state) {
            track.stage = "";
            track.reason = "";
            track.detail = "";
            for (Track m : members) {
                if (m.state == state) {
                    track.stage = m.stage;
                    track.reason = m.reason;
                    track.detail = "endpoint " + m.name + ": " + m.detail;
                    return;
                }
            }
        }
    }

    private static String notes(List<MaintenanceWindow> active) {
        List<String> notes = new ArrayList<>();
        for (MaintenanceWindow w : active) {
            notes.add(w.note().isEmpty() ? w.source() : w.note() + " (" + w.source() + ")");
        }
        return String.join("; ", notes);
    }

    private record Verdict(Track track, Instant started, boolean passed, String stage, String reason, String detail) {}
}
