package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.ProbeToken;

/** Reads {@code routes:}, resolving names against the servers and accounts already read. */
// Not checked by NullAway: a reader takes a value as null once it has recorded a problem with it, and
// builds a config record only when no problem was recorded since it began (the problems.count() >
// before check returns first); NullAway cannot follow that count. Its signatures are annotated, so
// every caller is checked. Restructuring the readers so that the checker can see it is a follow-up.
@SuppressWarnings("NullAway")
final class RouteReader {
    static final List<String> ROUTE_KEYS = List.of("name", "kind", "from", "submit_via", "to", "interval", "jitter",
            "timeout", "watch", "to_address", "estimate", "from_address", "deliver_via", "starttls", "helo");
    static final List<String> ESTIMATE_KEYS = List.of("provider_hosts");
    static final List<String> WATCH_KEYS =
            List.of("path", "server", "account", "folder", "folders", "junk_folders", "junk_counts_as_delivered",
                    "poll_interval", "idle", "delete_probes");
    private static final Set<String> PLANNED_PATHS = Set.of();
    /** The paths a route can watch a mailbox on; the sink is not a mailbox. */
    private static final List<AccessPath> WATCH_PATHS = List.of(AccessPath.IMAP, AccessPath.POP3, AccessPath.WEBMAIL);

    private final Mapping top;
    private final Problems problems;
    private final Set<String> serverNames;
    private final Map<String, ServerConfig> servers;
    private final Set<String> accountNames;
    private final Map<String, AccountConfig> accounts;
    private final SinkConfig sink;
    private final String hostname;
    private final org.mailprobe.probes.TlsPolicy defaultTls;
    private final org.mailprobe.probes.Timeouts defaultTimeouts;

    private final Map<String, String> routePaths = new HashMap<>();
    private final List<FilterRouteConfig> filterRoutes = new ArrayList<>();
    private final Map<MailboxKey, Seen> watchers = new HashMap<>();

    /** The first watch of a mailbox, which every later one must agree with. */
    private static final class Seen {
        final String route;
        final String path;
        final WatchConfig watch;

        Seen(String route, String path, WatchConfig watch) {
            this.route = route;
            this.path = path;
            this.watch = watch;
        }
    }

    RouteReader(Mapping top, Set<String> serverNames, Map<String, ServerConfig> servers, Set<String> accountNames,
            Map<String, AccountConfig> accounts, SinkConfig sink, String hostname,
            org.mailprobe.probes.TlsPolicy defaultTls, org.mailprobe.probes.Timeouts defaultTimeouts) {
        this.sink = sink;
        this.hostname = hostname;
        this.defaultTls = defaultTls;
        this.defaultTimeouts = defaultTimeouts;
        this.top = top;
        this.problems = top.problems();
        this.serverNames = serverNames;
        this.servers = servers;
        this.accountNames = accountNames;
        this.accounts = accounts;
    }

    List<RouteConfig> routes() {
        List<RouteConfig> routes = new ArrayList<>();
        if (!top.requirePresent("routes")) {
            return routes;
        }
        List<JsonNode> items = top.list("routes");
        if (items == null) {
            return routes;
        }
        if (items.isEmpty()) {
            problems.add("routes", "needs at least one route");
        }
        for (int i = 0; i < items.size(); i++) {
            if (FilterRouteReader.isFilter(items.get(i))) {
                Mapping r = Mapping.of(problems, "routes[" + i + "]", items.get(i), top.baseDir(),
                        FilterRouteReader.KEYS, FilterRouteReader.RENAMED);
                FilterRouteConfig filter = r == null || !uniqueName(r) ? null : new FilterRouteReader(this, r).read();
                if (filter != null) {
                    filterRoutes.add(filter);
                }
                continue;
            }
            Mapping r = Mapping.of(problems, "routes[" + i + "]", items.get(i), top.baseDir(), ROUTE_KEYS);
            RouteConfig route = r == null ? null : route(r);
            if (route != null) {
                routes.add(route);
            }
        }
        return routes;
    }

    /** The {@code kind: filter} routes read by {@link #routes()}, in the file's order. */
    List<FilterRouteConfig> filterRoutes() {
        return filterRoutes;
    }

    /** Reads the route's name; false (reported) if it is missing, invalid or taken by another route. */
    private boolean uniqueName(Mapping r) {
        String name = r.id("name", ProbeToken.ID, true);
        if (name == null) {
            return false;
        }
        String earlier = routePaths.putIfAbsent(name, r.path());
        if (earlier != null) {
            problems.add(r.pathOf("name"), "duplicate route name '" + name + "'; " + earlier + " has it too");
            return false;
        }
        return true;
    }

    Problems problems() {
        return problems;
    }

    private @Nullable RouteConfig route(Mapping r) {
        int before = problems.count();
        String name = r.id("name", ProbeToken.ID, true);
        boolean unique = name != null;
        if (name != null) {
            String earlier = routePaths.putIfAbsent(name, r.path());
            if (earlier != null) {
                problems.add(r.pathOf("name"), "duplicate route name '" + name + "'; " + earlier + " has it too");
                unique = false;
            }
        }
        Leg leg = leg(r);
        if (leg == null) {
            return null;
        }
        onlyFor(r, leg, Leg.RECEIVE, "from_address", "deliver_via", "starttls", "helo");
        onlyFor(r, leg, Leg.SEND, "to_address", "estimate");
        AccountConfig from = leg == Leg.RECEIVE ? null : account(r, "from", true);
        ServerConfig submitVia = leg == Leg.RECEIVE ? null
                : server(r, "submit_via", Protocol.SMTP, "submit_via");
        if (leg == Leg.RECEIVE) {
            refuse(r, "from", "a receive route delivers as a source MTA, with no account: give from_address");
            refuse(r, "submit_via", "a receive route delivers to the provider's MX: use deliver_via, or leave it "
                    + "out to look up the MX of the recipient's domain");
        }
        boolean toSink = leg == Leg.SEND && r.has("to_address");
        AccountConfig to = null;
        String recipient = null;
        if (toSink) {
            refuse(r, "to", "give either to (an external mailbox, with watch and estimate) or to_address (at "
                    + "the sink), not both");
            refuse(r, "watch", "the sink sees a probe sent to to_address; there is no mailbox to watch");
            recipient = sinkAddress(r);
        } else {
            to = account(r, "to", true);
            recipient = to == null ? null : to.address();
        }
        String sender = leg == Leg.RECEIVE ? address(r, "from_address") : from == null ? null : from.address();
        DirectDeliveryConfig direct = leg == Leg.RECEIVE ? direct(r) : null;
        SendEstimateConfig estimate = leg == Leg.SEND && !toSink ? estimate(r) : null;

        Duration interval = r.duration("interval", Defaults.MIN_INTERVAL);
        boolean defaultInterval = interval == null;
        if (defaultInterval) {
            interval = Defaults.INTERVAL;
        }
        Duration jitter = r.duration("jitter", Duration.ZERO);
        if (jitter != null && jitter.compareTo(interval) >= 0) {
            problems.add(r.pathOf("jitter"), Durations.format(jitter) + " must be less than the "
                    + (defaultInterval && !r.has("interval") ? "default interval, " : "interval, ")
                    + Durations.format(interval));
        }
        if (jitter == null) {
            jitter = Defaults.jitter(interval);
        }
        Duration timeout = r.positiveDuration("timeout");
        if (timeout == null) {
            timeout = Defaults.TIMEOUT;
        }

        List<WatchConfig> watches = toSink ? List.of() : watches(r, unique ? name : null, to);
        // A null without a new problem is a reference to a server or account that has its own.
        if (problems.count() > before || name == null || sender == null || recipient == null || watches == null
                || (leg != Leg.RECEIVE && (from == null || submitVia == null))
                || (leg == Leg.RECEIVE && direct == null)
                || (leg == Leg.SEND && !toSink && estimate == null)) {
            return null;
        }
        return new RouteConfig(name, leg, from, submitVia, to, interval, jitter, timeout, watches, sender, recipient,
                direct, estimate);
    }

    private void onlyFor(Mapping r, Leg leg, Leg owner, String... keys) {
        if (leg == owner) {
            return;
        }
        for (String key : keys) {
            if (r.has(key)) {
                problems.add(r.pathOf(key), "applies only to " + owner.label() + " routes; this route is "
                        + leg.label());
            }
        }
    }

    private void refuse(Mapping r, String key, String why) {
        if (r.has(key)) {
            problems.add(r.pathOf(key), why);
        }
    }

    /** A send route's recipient at the agent's sink. */
    private @Nullable String sinkAddress(Mapping r) {
        String address = address(r, "to_address");
        if (address == null) {
            return null;
        }
        if (sink == null && top.has("sink")) {
            return null; // the sink section has problems of its own, reported there
        }
        if (sink == null) {
            problems.add(r.pathOf("to_address"), "a send route to_address needs the agent's sink: add a sink: "
                    + "section whose domains include " + address.substring(address.lastIndexOf('@') + 1));
            return null;
        }
        if (!sink.accepts(address)) {
            problems.add(r.pathOf("to_address"), "'" + address + "' is not in the sink's domains ("
                    + String.join(", ", sink.domains()) + "); the sink would refuse it");
            return null;
        }
        return address;
    }

    @Nullable String address(Mapping r, String key) {
        String text = r.requiredString(key);
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1 || text.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>')) {
            problems.add(r.pathOf(key), "'" + text + "' is not a mail address (local@domain)");
            return null;
        }
        return text;
    }

    @Nullable DirectDeliveryConfig direct(Mapping r) {
        ServerConfig via = null;
        if (r.has("deliver_via")) {
            via = server(r, "deliver_via", Protocol.SMTP, "deliver_via");
            if (via == null) {
                return null;
            }
            if (via.endpoint().tlsMode() == org.mailprobe.probes.TlsMode.IMPLICIT) {
                problems.add(r.pathOf("deliver_via"), "server '" + via.name() + "' uses implicit TLS; MTAs deliver "
                        + "on port 25 with STARTTLS (set its tls to starttls or plain)");
                return null;
            }
        }
        boolean require = false;
        String starttls = r.string("starttls");
        if (starttls != null) {
            switch (starttls.toLowerCase(Locale.ROOT)) {
                case "opportunistic":
                    break;
                case "required":
                    require = true;
                    break;
                default:
                    problems.add(r.pathOf("starttls"), "'" + starttls + "' is not a STARTTLS mode; use "
                            + "opportunistic (the default) or required");
                    return null;
            }
        }
        String helo = r.string("helo");
        if (helo != null && !ConfigLoader.isHostname(helo)) {
            problems.add(r.pathOf("helo"), "'" + helo + "' is not a host name");
            return null;
        }
        return new DirectDeliveryConfig(via, require, helo != null ? helo : hostname,
                via != null ? via.tls() : defaultTls, via != null ? via.timeouts() : defaultTimeouts);
    }

    private @Nullable SendEstimateConfig estimate(Mapping r) {
        Mapping e = r.mapping("estimate", ESTIMATE_KEYS);
        if (e == null) {
            problems.add(r.pathOf("estimate"), "a send route to an external mailbox estimates the send delay from "
                    + "Received headers: give estimate: {provider_hosts: [...]}, or send to_address at the sink");
            return null;
        }
        List<JsonNode> hosts = e.list("provider_hosts");
        if (hosts == null) {
            if (!e.has("provider_hosts")) {
                problems.add(e.pathOf("provider_hosts"), "is required: the provider's host names or domain "
                        + "suffixes (starting with '.') as its servers write them in Received headers");
            }
            return null;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            JsonNode h = hosts.get(i);
            String host = h.isTextual() ? h.asText().trim() : null;
            if (host == null || host.isEmpty() || !ConfigLoader.isHostname(host.startsWith(".") ? host.substring(1)
                    : host)) {
                problems.add(e.pathOf("provider_hosts") + "[" + i + "]", (h.isTextual() ? "'" + h.asText() + "'"
                        : Mapping.describe(h)) + " is not a host name or a domain suffix like .example.com");
            } else {
                names.add(host);
            }
        }
        if (hosts.isEmpty()) {
            problems.add(e.pathOf("provider_hosts"), "needs at least one host");
        }
        if (names.size() < hosts.size() || names.isEmpty()) {
            return null;
        }
        return new SendEstimateConfig(names);
    }

    private Leg leg(Mapping r) {
        String text = r.requiredString("kind");
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (Leg leg : Leg.values()) {
            if (leg.label().equals(lower)) {
                return leg;
            }
        }
        problems.add(r.pathOf("kind"), "unknown route kind '" + text + "'; supported: " + labels(Leg.values()) + ", "
                + FilterRouteReader.KIND);
        return null;
    }

    /** The route's watches; null if any could not be made. */
    private @Nullable List<WatchConfig> watches(Mapping r, String route, AccountConfig to) {
        List<WatchConfig> watches = new ArrayList<>();
        if (!r.requirePresent("watch")) {
            return null;
        }
        List<JsonNode> items = r.list("watch");
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            problems.add(r.pathOf("watch"), "needs at least one watch");
        }
        boolean complete = true;
        for (int j = 0; j < items.size(); j++) {
            Mapping w = Mapping.of(problems, r.pathOf("watch") + "[" + j + "]", items.get(j), top.baseDir(),
                    WATCH_KEYS);
            WatchConfig watch = w == null ? null : watch(w, route, to);
            if (watch == null) {
                complete = false;
                continue;
            }
            watches.add(watch);
            if (route != null) {
                checkShared(route, w.path(), watch);
            }
        }
        return complete && !watches.isEmpty() ? watches : null;
    }

    private @Nullable WatchConfig watch(Mapping w, String route, AccountConfig to) {
        int before = problems.count();
        AccessPath path = accessPath(w);
        ServerConfig server = path == null
                ? server(w, "server", null, null)
                : server(w, "server", Protocol.of(path), "path " + path.label());
        AccountConfig account = w.has("account") ? account(w, "account", false) : to;

        String folder = w.string("folder");
        if (folder == null || folder.equalsIgnoreCase(Defaults.FOLDER)) {
            // INBOX is case-insensitive (RFC 3501 section 5.1), so all spellings are one mailbox.
            folder = Defaults.FOLDER;
        } else if (path == AccessPath.POP3) {
            problems.add(w.pathOf("folder"), "'" + folder + "' cannot be watched on POP3, which has only INBOX; "
                    + "remove folder or set it to INBOX");
        }
        List<String> folders = folders(w, path, folder);
        List<String> junkFolders = junkFolders(w, path, folders);
        Boolean junkDelivered = w.bool("junk_counts_as_delivered");
        if (junkDelivered != null && path != null && path != AccessPath.IMAP) {
            problems.add(w.pathOf("junk_counts_as_delivered"), "only an IMAP watch sees a Junk folder; a "
                    + path.label() + " watch sees only INBOX, where a probe put in Junk is lost");
        }
        Duration poll = w.duration("poll_interval", Defaults.MIN_POLL_INTERVAL);
        Boolean idle = w.bool("idle");
        if (Boolean.TRUE.equals(idle) && (path == AccessPath.POP3 || path == AccessPath.WEBMAIL)) {
            problems.add(w.pathOf("idle"), "IDLE is an IMAP command; a " + path.label() + " watch always polls");
        }
        Boolean delete = w.bool("delete_probes");
        if (Boolean.TRUE.equals(delete) && path == AccessPath.WEBMAIL) {
            problems.add(w.pathOf("delete_probes"), "a webmail watch only reads; the imap or pop3 watch of the same "
                    + "mailbox deletes the measured probes");
        }
        if (path == AccessPath.WEBMAIL && account != null && account.login().usesOAuth()) {
            problems.add(w.has("account") ? w.pathOf("account") : w.pathOf("path"),
                    (route != null ? "route '" + route + "'" : "this route") + " watches account '" + account.name() + "' by webmail, but that account signs in with oauth2 "
                    + "and a webmail login form needs a password; watch it by imap or pop3");
        }
        if (path == AccessPath.POP3 && account != null && account.login().usesOAuth()
                && account.login().oauth().mechanism() == OAuthMechanism.OAUTHBEARER) {
            problems.add(w.has("account") ? w.pathOf("account") : w.pathOf("path"),
                    (route != null ? "route '" + route + "'" : "this route") + " watches account '" + account.name()
                    + "' by pop3, but that account's oauth2 mechanism is oauthbearer, which mailprobe's POP3 client "
                    + "cannot speak; set its mechanism to auto or xoauth2");
        }
        if (problems.count() > before || path == null || server == null || account == null) {
            return null;
        }
        return new WatchConfig(path, server, account, folders.get(0),
                poll != null ? poll : Defaults.pollInterval(path),
                path == AccessPath.IMAP && (idle != null ? idle : Defaults.IDLE),
                path != AccessPath.WEBMAIL && (delete != null ? delete : Defaults.DELETE_PROBES),
                folders, junkFolders, junkDelivered != null ? junkDelivered : Defaults.JUNK_COUNTS_AS_DELIVERED);
    }

    /**
     * An IMAP watch's {@code folders:} (issue 14), the first waited on with IDLE; else just
     * {@code folder}. Problems are reported; what is returned is never empty.
     */
    private List<String> folders(Mapping w, @Nullable AccessPath path, String folder) {
        if (!w.has("folders")) {
            return List.of(folder);
        }
        if (w.has("folder")) {
            problems.add(w.pathOf("folders"), "give either folder (one folder) or folders (a list), not both");
            return List.of(folder);
        }
        if (path != null && path != AccessPath.IMAP) {
            problems.add(w.pathOf("folders"), "only an IMAP watch looks in several folders; a " + path.label()
                    + " watch sees " + (path == AccessPath.POP3 ? "only INBOX" : "one folder") + ": use folder");
            return List.of(folder);
        }
        List<String> names = names(w, "folders");
        if (names == null) {
            return List.of(folder);
        }
        if (names.isEmpty()) {
            problems.add(w.pathOf("folders"), "needs at least one folder");
            return List.of(folder);
        }
        return names;
    }

    /** An IMAP watch's {@code junk_folders:}: each one of its folders. */
    List<String> junkFolders(Mapping w, @Nullable AccessPath path, List<String> folders) {
        if (!w.has("junk_folders")) {
            return Defaults.JUNK_FOLDERS;
        }
        if (path != null && path != AccessPath.IMAP) {
            problems.add(w.pathOf("junk_folders"), "only an IMAP watch sees a Junk folder; a " + path.label()
                    + " watch sees only " + (path == AccessPath.POP3 ? "INBOX" : "its folder"));
            return Defaults.JUNK_FOLDERS;
        }
        List<String> names = names(w, "junk_folders");
        if (names == null) {
            return Defaults.JUNK_FOLDERS;
        }
        for (int i = 0; i < names.size(); i++) {
            if (!folders.contains(names.get(i))) {
                problems.add(w.pathOf("junk_folders") + "[" + i + "]", "'" + names.get(i) + "' is not watched; "
                        + "name it in folders too (watched: " + String.join(", ", folders) + ")");
            }
        }
        return names;
    }

    /**
     * A list of folder names, INBOX in any spelling as INBOX (RFC 3501 section 5.1), each once;
     * null (reported) if it is not a list of non-empty strings.
     */
    @Nullable List<String> names(Mapping w, String key) {
        List<JsonNode> items = w.list(key);
        if (items == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = w.pathOf(key) + "[" + i + "]";
            if (!item.isTextual() || item.asText().isBlank()) {
                problems.add(at, "must be a folder name, not " + (item.isTextual() ? "an empty string"
                        : Mapping.describe(item)));
                ok = false;
                continue;
            }
            String name = item.asText().equalsIgnoreCase(Defaults.FOLDER) ? Defaults.FOLDER : item.asText();
            if (names.contains(name)) {
                problems.add(at, "'" + name + "' is listed twice");
                ok = false;
                continue;
            }
            names.add(name);
        }
        return ok ? names : null;
    }

    private @Nullable AccessPath accessPath(Mapping w) {
        String text = w.requiredString("path");
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (AccessPath path : WATCH_PATHS) {
            if (path.label().equals(lower)) {
                return path;
            }
        }
        String supported = labels(WATCH_PATHS.toArray(new AccessPath[0]));
        problems.add(w.pathOf("path"), PLANNED_PATHS.contains(lower)
                ? "'" + text + "' is not supported yet; supported: " + supported
                : "'" + text + "' is not an access path; supported: " + supported);
        return null;
    }

    /** Routes that watch one mailbox share one watcher, so they must want the same from it. */
    private void checkShared(String route, String path, WatchConfig watch) {
        Seen first = watchers.putIfAbsent(watch.mailboxKey(), new Seen(route, path, watch));
        if (first == null) {
            return;
        }
        if (first.route.equals(route)) {
            problems.add(path, "watches " + watch.configName() + " again; " + first.path + " already does");
            return;
        }
        List<String> differences = new ArrayList<>();
        if (!first.watch.pollInterval().equals(watch.pollInterval())) {
            differences.add("poll_interval " + Durations.format(watch.pollInterval()) + " here, "
                    + Durations.format(first.watch.pollInterval()) + " there");
        }
        if (first.watch.idle() != watch.idle()) {
            differences.add("idle " + watch.idle() + " here, " + first.watch.idle() + " there");
        }
        if (!first.watch.folders().equals(watch.folders())) {
            differences.add("folders " + watch.folders() + " here, " + first.watch.folders() + " there");
        }
        if (!first.watch.junkFolders().equals(watch.junkFolders())) {
            differences.add("junk_folders " + watch.junkFolders() + " here, " + first.watch.junkFolders() + " there");
        }
        if (first.watch.deleteProbes() != watch.deleteProbes()) {
            differences.add("delete_probes " + watch.deleteProbes() + " here, " + first.watch.deleteProbes() + " there");
        }
        if (!differences.isEmpty()) {
            problems.add(path, "route '" + route + "' watches " + watch.configName() + " like route '" + first.route + "' ("
                    + first.path + "), so they share one watcher, but they disagree: " + String.join(", ", differences)
                    + "; set them alike");
        }
    }

    @Nullable AccountConfig account(Mapping m, String key, boolean required) {
        String name = required ? m.requiredString(key) : m.string(key);
        if (name == null) {
            return null;
        }
        if (!accountNames.contains(name)) {
            problems.add(m.pathOf(key), "unknown account '" + name + "'; " + known("accounts", accountNames));
        }
        return accounts.get(name);
    }

    /** The server named at {@code key}; reported if unknown or not speaking {@code protocol} (if given). */
    @Nullable ServerConfig server(Mapping m, String key, Protocol protocol, String use) {
        String name = m.requiredString(key);
        if (name == null) {
            return null;
        }
        if (!serverNames.contains(name)) {
            problems.add(m.pathOf(key), "unknown server '" + name + "'; " + known("servers", serverNames));
            return null;
        }
        ServerConfig server = servers.get(name);
        if (server != null && protocol != null && server.protocol() != protocol) {
            Set<String> fitting = servers.values().stream()
                    .filter(s -> s.protocol() == protocol)
                    .map(ServerConfig::name)
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
            problems.add(m.pathOf(key), "server '" + name + "' speaks " + server.protocol().label() + ", but " + use
                    + " needs " + protocol.label() + " (" + known(protocol.label() + " servers", fitting) + ")");
            return null;
        }
        return server;
    }

    private static String known(String what, Set<String> names) {
        return names.isEmpty() ? "no " + what + " are defined" : "known " + what + ": " + String.join(", ", names);
    }

    private static String labels(Enum<?>[] values) {
        return java.util.Arrays.stream(values)
                .map(v -> v.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
