package org.mailprobe.agent.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.TlsMode;

/**
 * Refuses a password sent in clear (issue 11): a server with {@code tls: plain} that an account logs
 * in to (submission, or a watch) is refused unless it sets {@code insecure_plain_auth: true}, and
 * then warned about once, naming every account whose password crosses the network. A plain server
 * that no account logs in to (an MX the receive leg delivers to) needs nothing.
 */
final class PlainAuthRule {
    static final String KEY = "insecure_plain_auth";

    private PlainAuthRule() {}

    static void check(List<RouteConfig> routes, Set<String> allowed, Problems problems, Consumer<String> warnings) {
        check(routes, List.of(), allowed, problems, warnings);
    }

    /** As above, with the filter routes' submission and IMAP logins too. */
    static void check(List<RouteConfig> routes, List<FilterRouteConfig> filterRoutes, Set<String> allowed,
            Problems problems, Consumer<String> warnings) {
        Map<String, Map<String, AccountConfig>> accountsByServer = new LinkedHashMap<>();
        for (FilterRouteConfig route : filterRoutes) {
            if (route.submitVia() != null && route.from() != null) {
                note(accountsByServer, route.submitVia(), route.from());
            }
            note(accountsByServer, route.watch().server(), route.watch().account());
        }
        for (RouteConfig route : routes) {
            if (route.submitVia() != null && route.from() != null) {
                note(accountsByServer, route.submitVia(), route.from());
            }
            for (WatchConfig watch : route.watches()) {
                if (watch.path() != AccessPath.WEBMAIL) {
                    note(accountsByServer, watch.server(), watch.account());
                }
            }
        }
        accountsByServer.forEach((server, byName) -> {
            Set<String> accounts = byName.keySet();
            String who = (accounts.size() == 1 ? "account " : "accounts ") + String.join(", ", accounts);
            // An OAuth account sends its access token instead, which is as good as a password until it expires.
            String secret = byName.values().stream().allMatch(a -> a.login().usesOAuth()) ? "access token" : "password";
            String path = "servers." + server;
            if (allowed.contains(server)) {
                warnings.accept(problems.format(path + "." + KEY, "the " + secret + (accounts.size() == 1 ? "" : "s")
                        + " of " + who + " cross" + (accounts.size() == 1 ? "es" : "") + " the network in clear "
                        + "(tls is plain)"));
            } else {
                problems.add(path + ".tls", "would send the " + secret + " of " + who + " in clear: tls is plain; "
                        + "use starttls or implicit, or set " + KEY + ": true for a lab");
            }
        });
    }

    private static void note(Map<String, Map<String, AccountConfig>> accountsByServer, ServerConfig server,
            AccountConfig account) {
        if (server.endpoint().tlsMode() == TlsMode.PLAIN && account != null) {
            accountsByServer.computeIfAbsent(server.name(), k -> new TreeMap<>()).put(account.name(), account);
        }
    }
}
