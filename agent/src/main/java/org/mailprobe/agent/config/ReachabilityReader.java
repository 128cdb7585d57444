package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.reachability.ReachabilitySettings;

/**
 * Reads {@code reachability:}, {@code endpoints:}, {@code services:}, {@code controls:} and
 * {@code maintenance:} (contract clause 2), and the separate maintenance file if one is named.
 */
// Not checked by NullAway: a reader takes a value as null once it has recorded a problem with it, and
// builds a config record only when no problem was recorded since it began (the problems.count() >
// before check returns first); NullAway cannot follow that count. Its signatures are annotated, so
// every caller is checked. Restructuring the readers so that the checker can see it is a follow-up.
@SuppressWarnings("NullAway")
final class ReachabilityReader {
    static final List<String> REACHABILITY_KEYS = List.of("state_dir", "threads", "maintenance_file");
    static final List<String> ENDPOINT_KEYS = List.of("kind", "host", "port", "tls", "interval", "timeout", "retries",
            "required", "login", "path", "status", "connect_timeout", "read_timeout", "ca_file", "insecure_skip_verify");
    static final List<String> CONTROL_KEYS = ENDPOINT_KEYS.stream()
            .filter(k -> !k.equals("required") && !k.equals("login")).collect(Collectors.toUnmodifiableList());
    static final List<String> SERVICE_KEYS = List.of("endpoints", "down_when");
    static final List<String> WINDOW_KEYS =
            List.of("start", "end", "weekday", "time", "duration", "zone", "note", "services");
    static final List<String> MAINTENANCE_FILE_KEYS = List.of("maintenance");

    private final ConfigLoader loader;
    private final Mapping top;
    private final Problems problems;
    private final String localHost;
    private final Set<String> endpointNames = new LinkedHashSet<>();
    private final Set<String> serviceNames = new LinkedHashSet<>();

    ReachabilityReader(ConfigLoader loader, Mapping top, String localHost) {
        this.loader = loader;
        this.top = top;
        this.problems = loader.problems();
        this.localHost = localHost;
    }

    ReachabilityConfig read() {
        Mapping settings = top.mapping("reachability", REACHABILITY_KEYS);
        Map<String, EndpointConfig> endpoints = endpoints("endpoints", ENDPOINT_KEYS, true);
        Map<String, EndpointConfig> controls = endpoints("controls", CONTROL_KEYS, false);
        Map<String, ServiceConfig> services = services(endpoints);
        List<MaintenanceWindow> windows = new ArrayList<>(windows(top, "maintenance"));
        Path stateDir = null;
        Path maintenanceFile = null;
        int threads = Defaults.REACHABILITY_THREADS;
        if (settings != null) {
            stateDir = settings.file("state_dir");
            Integer n = settings.integer("threads", 1, 1024);
            threads = n != null ? n : threads;
            maintenanceFile = settings.file("maintenance_file");
            if (maintenanceFile != null) {
                windows.addAll(maintenanceFile(maintenanceFile));
            }
        }
        if (!endpointNames.isEmpty() && stateDir == null) {
            problems.add("reachability.state_dir", "is required when endpoints are checked: state changes are "
                    + "written there");
        }
        if (endpointNames.isEmpty() && (!controls.isEmpty() || !services.isEmpty())) {
            problems.add(top.has("services") ? "services" : "controls", "needs endpoints to check");
        }
        return new ReachabilityConfig(stateDir, threads, endpoints, services, controls, windows, maintenanceFile);
    }

    private Map<String, EndpointConfig> endpoints(String key, List<String> keys, boolean endpoint) {
        Map<String, EndpointConfig> result = new LinkedHashMap<>();
        Mapping all = top.mapping(key, null);
        if (all == null) {
            return result;
        }
        if (all.entries().isEmpty()) {
            problems.add(key, "needs at least one entry, or leave it out");
        }
        for (Map.Entry<String, JsonNode> entry : all.entries()) {
            String name = entry.getKey();
            if (endpoint) {
                endpointNames.add(name);
            }
            Mapping e = Mapping.of(problems, all.pathOf(name), entry.getValue(), top.baseDir(), keys);
            EndpointConfig config = e == null ? null : endpoint(name, e, endpoint);
            if (config != null) {
                result.put(name, config);
            }
        }
        return result;
    }

    private @Nullable EndpointConfig endpoint(String name, Mapping e, boolean endpoint) {
        int before = problems.count();
        loader.checkName(e.path(), name);
        EndpointKind kind = kind(e);
        String host = e.requiredString("host");
        if (host != null && !loader.validHost(e.pathOf("host"), host)) {
            host = null;
        }
        Integer port = e.port("port");
        TlsMode tls = null;
        String tlsText = e.string("tls");
        if (tlsText != null) {
            try {
                tls = TlsMode.parse(tlsText);
            } catch (IllegalArgumentException ex) {
                problems.add(e.pathOf("tls"), ex.getMessage());
            }
        }
        if (kind != null && tls == null) {
            tls = Defaults.endpointTls(kind, port);
        }
        if (kind != null && port == null) {
            port = Defaults.endpointPort(kind, tls);
            if (port == null) {
                problems.add(e.pathOf("port"), "is required for kind " + kind.label());
            }
        }
        if ((kind == EndpointKind.HTTP || kind == EndpointKind.TCP) && tls == TlsMode.STARTTLS) {
            problems.add(e.pathOf("tls"), kind.label() + " has no STARTTLS; use plain or implicit");
        }
        Duration interval = e.duration("interval", Defaults.MIN_INTERVAL);
        interval = interval != null ? interval : Defaults.ENDPOINT_INTERVAL;
        Duration timeout = e.positiveDuration("timeout");
        if (timeout != null && timeout.compareTo(interval) > 0) {
            problems.add(e.pathOf("timeout"), Durations.format(timeout) + " is longer than the interval, "
                    + Durations.format(interval));
        }
        timeout = timeout != null ? timeout : Defaults.endpointTimeout(interval);
        Integer retries = e.integer("retries", 0, Defaults.MAX_RETRIES);
        Boolean required = endpoint ? e.bool("required") : Boolean.FALSE;
        Account login = endpoint ? login(e, kind, tls) : null;
        String path = e.string("path");
        Set<Integer> statuses = statuses(e);
        if (kind != null && kind != EndpointKind.HTTP) {
            for (String httpOnly : List.of("path", "status")) {
                if (e.has(httpOnly)) {
                    problems.add(e.pathOf(httpOnly), "applies to kind http only, not " + kind.label());
                }
            }
        }
        if (path != null && !path.startsWith("/")) {
            problems.add(e.pathOf("path"), "'" + path + "' must start with /");
        }
        Timeouts timeouts = loader.timeouts(e, loader.defaultTimeouts());
        TlsPolicy policy = loader.tlsPolicy(e, loader.defaultTls());
        if (problems.count() > before || kind == null || host == null || port == null || tls == null) {
            return null;
        }
        ReachabilitySettings check = new ReachabilitySettings(kind, new ServerEndpoint(host, port, tls), policy,
                timeouts, login, path != null ? path : Defaults.HTTP_PATH,
                statuses != null ? statuses : Set.copyOf(Defaults.HTTP_STATUS), localHost);
        return new EndpointConfig(name, check, interval, timeout, retries != null ? retries : Defaults.RETRIES,
                required != null ? required : Defaults.REQUIRED);
    }

    private @Nullable EndpointKind kind(Mapping e) {
        String text = e.requiredString("kind");
        if (text == null) {
            return null;
        }
        for (EndpointKind kind : EndpointKind.values()) {
            if (kind.label().equals(text.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        problems.add(e.pathOf("kind"), "'" + text + "' is not an endpoint kind; use smtp, imap, pop3, http or tcp");
        return null;
    }

    private @Nullable Account login(Mapping e, EndpointKind kind, TlsMode tls) {
        String name = e.string("login");
        if (name == null) {
            return null;
        }
        if (!loader.accountNames().contains(name)) {
            Set<String> known = loader.accountNames();
            problems.add(e.pathOf("login"), "unknown account '" + name + "'; "
                    + (known.isEmpty() ? "no accounts are defined" : "known accounts: " + String.join(", ", known)));
            return null;
        }
        if (kind == EndpointKind.HTTP || kind == EndpointKind.TCP) {
            problems.add(e.pathOf("login"), "kind " + kind.label() + " cannot log in; use smtp, imap or pop3");
            return null;
        }
        if (tls == TlsMode.PLAIN) {
            problems.add(e.pathOf("login"), "would send the password in clear: tls is plain; use starttls or implicit");
            return null;
        }
        AccountConfig account = loader.accounts().get(name);
        return account == null ? null : account.login();
    }

    private @Nullable Set<Integer> statuses(Mapping e) {
        List<JsonNode> items = e.list("status");
        if (items == null) {
            return null;
        }
        Set<Integer> statuses = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isIntegralNumber() || item.asInt() < 100 || item.asInt() > 599) {
                problems.add(e.pathOf("status") + "[" + i + "]", "'" + item.asText() + "' is not an HTTP status "
                        + "(100 to 599)");
            } else {
                statuses.add(item.asInt());
            }
        }
        if (items.isEmpty()) {
            problems.add(e.pathOf("status"), "needs at least one status");
        }
        return statuses.isEmpty() ? null : statuses;
    }

    private Map<String, ServiceConfig> services(Map<String, EndpointConfig> endpoints) {
        Map<String, ServiceConfig> result = new LinkedHashMap<>();
        Mapping all = top.mapping("services", null);
        if (all == null) {
            return result;
        }
        for (Map.Entry<String, JsonNode> entry : all.entries()) {
            String name = entry.getKey();
            serviceNames.add(name);
            Mapping s = Mapping.of(problems, all.pathOf(name), entry.getValue(), top.baseDir(), SERVICE_KEYS);
            if (s == null) {
                continue;
            }
            int before = problems.count();
            loader.checkName(s.path(), name);
            List<String> members = new ArrayList<>();
            s.requirePresent("endpoints");
            List<JsonNode> items = s.list("endpoints");
            if (items != null) {
                for (int i = 0; i < items.size(); i++) {
                    String member = items.get(i).isTextual() ? items.get(i).asText() : null;
                    String where = s.pathOf("endpoints") + "[" + i + "]";
                    if (member == null || !endpointNames.contains(member)) {
                        problems.add(where, member == null ? "must be an endpoint's name"
                                : "unknown endpoint '" + member + "'; known endpoints: " + String.join(", ", endpointNames));
                    } else if (members.contains(member)) {
                        problems.add(where, "endpoint '" + member + "' is listed twice");
                    } else {
                        members.add(member);
                    }
                }
                if (items.isEmpty()) {
                    problems.add(s.pathOf("endpoints"), "needs at least one endpoint");
                }
            }
            ServiceConfig.DownWhen downWhen = Defaults.DOWN_WHEN;
            String when = s.string("down_when");
            if (when != null) {
                try {
                    downWhen = ServiceConfig.DownWhen.valueOf(when.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    problems.add(s.pathOf("down_when"), "'" + when + "' is not any or all");
                }
            }
            if (problems.count() == before && members.stream().map(endpoints::get)
                    .noneMatch(c -> c != null && c.required())) {
                problems.add(s.pathOf("endpoints"), "none is required, so the service could never be down; "
                        + "mark at least one endpoint required: true");
            }
            if (problems.count() == before) {
                result.put(name, new ServiceConfig(name, members, downWhen));
            }
        }
        return result;
    }

    private List<MaintenanceWindow> maintenanceFile(Path file) {
        Problems own = new Problems(file.toString());
        List<MaintenanceWindow> windows = List.of();
        JsonNode root = ConfigLoader.parse(file, own);
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            Mapping m = Mapping.of(own, "", root, file.toAbsolutePath().getParent(), MAINTENANCE_FILE_KEYS);
            if (m != null) {
                windows = windowsIn(m, "maintenance", own, file.getFileName() + ": ");
            }
        }
        problems.addAll(own);
        return windows;
    }

    private List<MaintenanceWindow> windows(Mapping m, String key) {
        return windowsIn(m, key, problems, "");
    }

    private List<MaintenanceWindow> windowsIn(Mapping m, String key, Problems where, String sourcePrefix) {
        List<MaintenanceWindow> windows = new ArrayList<>();
        List<JsonNode> items = m.list(key);
        if (items == null) {
            return windows;
        }
        for (int i = 0; i < items.size(); i++) {
            String path = m.pathOf(key) + "[" + i + "]";
            Mapping w = Mapping.of(where, path, items.get(i), top.baseDir(), WINDOW_KEYS);
            MaintenanceWindow window = w == null ? null : window(w, where, sourcePrefix + path);
            if (window != null) {
                windows.add(window);
            }
        }
        return windows;
    }

    private @Nullable MaintenanceWindow window(Mapping w, Problems where, String source) {
        int before = where.count();
        String note = w.string("note");
        note = note != null ? note : "";
        Set<String> services = new LinkedHashSet<>();
        List<JsonNode> items = w.list("services");
        if (items != null) {
            for (int i = 0; i < items.size(); i++) {
                String name = items.get(i).asText();
                if (!items.get(i).isTextual() || !serviceNames.contains(name)) {
                    where.add(w.pathOf("services") + "[" + i + "]", "unknown service '" + name + "'; "
                            + (serviceNames.isEmpty() ? "no services are defined"
                                    : "known services: " + String.join(", ", serviceNames)));
                } else {
                    services.add(name);
                }
            }
        }
        boolean oneOff = w.has("start") || w.has("end");
        boolean weekly = w.has("weekday") || w.has("time") || w.has("duration") || w.has("zone");
        if (oneOff && weekly) {
            where.add(w.path(), "give either start and end (one-off) or weekday, time and duration (weekly), not both");
            return null;
        }
        if (!oneOff && !weekly) {
            where.add(w.path(), "needs start and end (one-off) or weekday, time and duration (weekly)");
            return null;
        }
        if (oneOff) {
            Instant start = instant(w, "start", where);
            Instant end = instant(w, "end", where);
            if (start != null && end != null && !end.isAfter(start)) {
                where.add(w.pathOf("end"), "must be after start");
            }
            return where.count() > before ? null : new MaintenanceWindow.OneOff(start, end, note, services, source);
        }
        DayOfWeek day = weekday(w, where);
        LocalTime time = null;
        String timeText = w.requiredString("time");
        if (timeText != null) {
            try {
                time = LocalTime.parse(timeText);
            } catch (DateTimeParseException e) {
                where.add(w.pathOf("time"), "'" + timeText + "' is not a time of day such as \"03:30\" (quote it)");
            }
        }
        w.requirePresent("duration");
        Duration duration = w.positiveDuration("duration");
        if (duration != null && duration.compareTo(Duration.ofDays(7)) >= 0) {
            where.add(w.pathOf("duration"), Durations.format(duration) + " is not less than a week");
        }
        ZoneId zone = Defaults.MAINTENANCE_ZONE;
        String zoneText = w.string("zone");
        if (zoneText != null) {
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException e) {
                where.add(w.pathOf("zone"), "'" + zoneText + "' is not a time zone such as Asia/Shanghai or +08:00");
            }
        }
        return where.count() > before ? null
                : new MaintenanceWindow.Weekly(day, time, duration, zone, note, services, source);
    }

    private static @Nullable Instant instant(Mapping w, String key, Problems where) {
        String text = w.requiredString(key);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            where.add(w.pathOf(key), "'" + text + "' is not a date and time with an offset, such as "
                    + "2026-12-06T02:00:00+08:00");
            return null;
        }
    }

    private static @Nullable DayOfWeek weekday(Mapping w, Problems where) {
        String text = w.requiredString("weekday");
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            String name = day.name().toLowerCase(Locale.ROOT);
            if (name.equals(lower) || name.substring(0, 3).equals(lower)) {
                return day;
            }
        }
        where.add(w.pathOf("weekday"), "'" + text + "' is not a weekday; use monday to sunday (or mon to sun)");
        return null;
    }
}
