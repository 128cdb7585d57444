package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.webmail.FormLoginSettings;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * Reads the webmail keys of a {@code protocol: webmail} server: {@code url}, {@code driver},
 * {@code insecure_plain_http} and the form driver's {@code form:} mapping. Patterns and CSS
 * selectors are compiled here, at load, and template placeholders checked.
 */
// Not checked by NullAway: a reader takes a value as null once it has recorded a problem with it, and
// builds a config record only when no problem was recorded since it began (the problems.count() >
// before check returns first); NullAway cannot follow that count. Its signatures are annotated, so
// every caller is checked. Restructuring the readers so that the checker can see it is a follow-up.
@SuppressWarnings("NullAway")
final class WebmailReader {
    static final List<String> FORM_KEYS = List.of("login_url", "login_action", "user_field", "password_field",
            "fields", "hidden_fields", "logged_in_pattern", "captures", "search_url", "search_headers", "id_pattern",
            "message_url", "session_expired_pattern", "logout_url");
    static final List<String> EXTRACT_KEYS = List.of("name", "selector", "pattern");

    private final Problems problems;
    private final Consumer<String> warnings;

    WebmailReader(Problems problems, Consumer<String> warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    /** The server's webmail settings; null if any is wrong (reported). */
    @Nullable WebmailConfig read(Mapping s) {
        int before = problems.count();
        URI url = url(s);
        WebmailSettings.Driver driver = driver(s);
        FormLoginSettings form = null;
        if (driver == WebmailSettings.Driver.FORM) {
            if (s.requirePresent("form")) {
                form = form(s.mapping("form", FORM_KEYS));
            }
        } else if (driver != null && s.has("form")) {
            problems.add(s.pathOf("form"), "applies to driver form only, not " + driver.label());
        }
        if (problems.count() > before || url == null || driver == null
                || (driver == WebmailSettings.Driver.FORM && form == null)) {
            return null;
        }
        return new WebmailConfig(url, driver, form);
    }

    private @Nullable URI url(Mapping s) {
        String text = s.requiredString("url");
        if (text == null) {
            return null;
        }
        URI url = HttpUrl.parse(problems, s.pathOf("url"), text, "the watch's account logs in",
                "an absolute http or https URL such as https://mail.example.com/roundcube/");
        if (url == null) {
            return null;
        }
        String scheme = HttpUrl.scheme(url);
        Boolean plain = s.bool("insecure_plain_http");
        if (scheme.equals("http") && !Boolean.TRUE.equals(plain)) {
            problems.add(s.pathOf("url"), "'" + text + "' would send the password in clear; use https, or set "
                    + "insecure_plain_http: true for a lab");
            return null;
        }
        if (scheme.equals("http")) {
            warnings.accept(problems.format(s.pathOf("insecure_plain_http"),
                    "the webmail password and session cookie cross the network in clear"));
        }
        return url;
    }

    private WebmailSettings.@Nullable Driver driver(Mapping s) {
        String text = s.string("driver");
        if (text == null) {
            return s.has("driver") ? null : Defaults.WEBMAIL_DRIVER;
        }
        for (WebmailSettings.Driver d : WebmailSettings.Driver.values()) {
            if (d.label().equals(text.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        problems.add(s.pathOf("driver"), "'" + text + "' is not a webmail driver; use roundcube or form");
        return null;
    }

    private @Nullable FormLoginSettings form(Mapping f) {
        if (f == null) {
            return null;
        }
        int before = problems.count();
        String loginUrl = f.requiredString("login_url");
        String loginAction = f.string("login_action");
        String userField = f.requiredString("user_field");
        String passwordField = f.requiredString("password_field");
        Map<String, String> fields = strings(f, "fields");
        List<FormLoginSettings.Extract> hidden = extracts(f, "hidden_fields");
        Pattern loggedIn = pattern(f, "logged_in_pattern", 0);
        List<FormLoginSettings.Extract> captures = extracts(f, "captures");
        String searchUrl = f.requiredString("search_url");
        Map<String, String> headers = strings(f, "search_headers");
        Pattern idPattern = pattern(f, "id_pattern", 1);
        String messageUrl = f.string("message_url");
        if ((idPattern == null) != (messageUrl == null) && !(f.has("id_pattern") && idPattern == null)) {
            problems.add(f.pathOf(idPattern == null ? "message_url" : "id_pattern"), "needs "
                    + (idPattern == null ? "id_pattern" : "message_url") + " too: the id found in the search answer "
                    + "is put into message_url; leave both out if the search answer shows the token itself");
        }
        Pattern expired = pattern(f, "session_expired_pattern", 0);
        String logoutUrl = f.string("logout_url");

        Set<String> known = new LinkedHashSet<>(List.of("query", "folder"));
        captures.forEach(c -> known.add(c.name()));
        placeholders(f, "login_url", loginUrl, known);
        placeholders(f, "login_action", loginAction, known);
        placeholders(f, "search_url", searchUrl, known);
        placeholders(f, "logout_url", logoutUrl, known);
        headers.forEach((k, v) -> placeholders(f, "search_headers." + k, v, known));
        Set<String> withId = new LinkedHashSet<>(known);
        withId.add("id");
        placeholders(f, "message_url", messageUrl, withId);
        if (problems.count() > before) {
            return null;
        }
        return new FormLoginSettings(loginUrl, loginAction, userField, passwordField, fields, hidden, loggedIn,
                captures, searchUrl, headers, idPattern, messageUrl, expired, logoutUrl);
    }

    private void placeholders(Mapping f, String key, String template, Set<String> known) {
        if (template == null) {
            return;
        }
        for (String name : FormLoginSettings.placeholders(template)) {
            if (!known.contains(name)) {
                problems.add(f.pathOf(key), "unknown placeholder {" + name + "}; known here: "
                        + String.join(", ", known.stream().map(n -> "{" + n + "}").toList()));
            }
        }
    }

    private Map<String, String> strings(Mapping f, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        Mapping m = f.mapping(key, null);
        if (m == null) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : m.entries()) {
            JsonNode v = e.getValue();
            if (v.isTextual() || v.isNumber() || v.isBoolean()) {
                out.put(e.getKey(), v.asText());
            } else {
                problems.add(m.pathOf(e.getKey()), "must be a string, not " + Mapping.describe(v));
            }
        }
        return out;
    }

    private List<FormLoginSettings.Extract> extracts(Mapping f, String key) {
        List<FormLoginSettings.Extract> out = new ArrayList<>();
        List<JsonNode> items = f.list(key);
        if (items == null) {
            return out;
        }
        for (int i = 0; i < items.size(); i++) {
            Mapping e = Mapping.of(problems, f.pathOf(key) + "[" + i + "]", items.get(i), f.baseDir(), EXTRACT_KEYS);
            if (e == null) {
                continue;
            }
            int before = problems.count();
            String name = e.requiredString("name");
            String selector = e.string("selector");
            Pattern pattern = pattern(e, "pattern", 1);
            if (selector != null && pattern != null || selector == null && pattern == null && !e.has("pattern")
                    && !e.has("selector")) {
                problems.add(e.path(), "needs exactly one of selector and pattern");
            }
            if (selector != null) {
                try {
                    QueryParser.parse(selector);
                } catch (Selector.SelectorParseException ex) {
                    problems.add(e.pathOf("selector"), "'" + selector + "' is not a CSS selector: " + ex.getMessage());
                }
            }
            if (problems.count() == before) {
                out.add(new FormLoginSettings.Extract(name, selector, pattern));
            }
        }
        return out;
    }

    /** A regular expression with at least {@code groups} groups; null if absent or wrong (reported). */
    private @Nullable Pattern pattern(Mapping m, String key, int groups) {
        String text = m.string(key);
        if (text == null) {
            return null;
        }
        try {
            Pattern p = Pattern.compile(text);
            if (p.matcher("").groupCount() < groups) {
                problems.add(m.pathOf(key), "'" + text + "' needs a group in parentheses: group 1 is the value");
                return null;
            }
            return p;
        } catch (PatternSyntaxException e) {
            problems.add(m.pathOf(key), "'" + text + "' is not a regular expression: " + e.getDescription());
            return null;
        }
    }
}
