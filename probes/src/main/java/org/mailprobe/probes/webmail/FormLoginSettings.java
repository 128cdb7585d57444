package org.mailprobe.probes.webmail;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generic form-login driver's settings (docs/CONFIG.md has Roundcube as a worked example).
 * URLs and header values are templates: {@code {name}} is replaced by a value, URL-encoded in a
 * URL. The names are {@code query} (the probes' subject prefix), {@code folder}, {@code id} (in
 * {@code messageUrl}) and the names of {@code captures}.
 *
 * @param loginUrl the login page, fetched first for its hidden fields and session cookie
 * @param loginAction where the login form is posted; null: the form's own action (or the page)
 * @param userField the form field for the user name
 * @param passwordField the form field for the password
 * @param fields fixed fields posted with the form
 * @param hiddenFields fields read from the login page (e.g. a CSRF token) and posted
 * @param loggedIn matches the page after a successful login; null: that page has no password field
 * @param captures values read from the page after login (e.g. a request token) for the templates
 * @param searchUrl the search (or list) request; its answer holds the messages whose subject
 *     matches {@code query}
 * @param searchHeaders extra request headers of the search and message requests
 * @param idPattern group 1: a message id in the search answer; null: the answer itself must show
 *     the token header
 * @param messageUrl the request for one message's source or headers, with {@code {id}}; needed
 *     with {@code idPattern}
 * @param sessionExpired matches an answer that means the session has ended; besides HTTP 401/403
 *     and a login page
 * @param logoutUrl requested on shutdown; null: none
 */
public record FormLoginSettings(String loginUrl, String loginAction, String userField, String passwordField,
        Map<String, String> fields, List<Extract> hiddenFields, Pattern loggedIn, List<Extract> captures,
        String searchUrl, Map<String, String> searchHeaders, Pattern idPattern, String messageUrl,
        Pattern sessionExpired, String logoutUrl) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_-]+)\\}");
    static final Set<String> BUILT_IN = Set.of("query", "folder");

    /**
     * A value read from a page: by a CSS selector (the element's {@code value} attribute, else its
     * text) or by a pattern's group 1. Exactly one of the two.
     */
    public record Extract(String name, String selector, Pattern pattern) {
        public Extract {
            Objects.requireNonNull(name, "name");
            if ((selector == null) == (pattern == null)) {
                throw new IllegalArgumentException("an extract has a selector or a pattern, not both or neither");
            }
            if (pattern != null && pattern.matcher("").groupCount() < 1) {
                throw new IllegalArgumentException("the pattern of " + name + " needs a group");
            }
        }
    }

    public FormLoginSettings {
        Objects.requireNonNull(loginUrl, "loginUrl");
        Objects.requireNonNull(userField, "userField");
        Objects.requireNonNull(passwordField, "passwordField");
        Objects.requireNonNull(searchUrl, "searchUrl");
        fields = Map.copyOf(fields);
        hiddenFields = List.copyOf(hiddenFields);
        captures = List.copyOf(captures);
        searchHeaders = Map.copyOf(searchHeaders);
        if ((idPattern == null) != (messageUrl == null)) {
            throw new IllegalArgumentException("idPattern and messageUrl go together");
        }
        if (idPattern != null && idPattern.matcher("").groupCount() < 1) {
            throw new IllegalArgumentException("idPattern needs a group");
        }
        Set<String> known = new LinkedHashSet<>(BUILT_IN);
        captures.forEach(c -> known.add(c.name()));
        List<String> templates = new java.util.ArrayList<>(List.of(loginUrl, searchUrl));
        java.util.stream.Stream.of(loginAction, logoutUrl).filter(Objects::nonNull).forEach(templates::add);
        templates.addAll(searchHeaders.values());
        for (String t : templates) {
            for (String name : placeholders(t)) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown placeholder {" + name + "} in " + t);
                }
            }
        }
        if (messageUrl != null) {
            known.add("id");
            for (String name : placeholders(messageUrl)) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown placeholder {" + name + "} in " + messageUrl);
                }
            }
        }
    }

    /** The placeholder names in {@code template}, in order. */
    public static Set<String> placeholders(String template) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** {@code template} with its placeholders replaced; URL-encoded if {@code url}. */
    static String expand(String template, Map<String, String> values, boolean url) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for {" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(url ? WebmailHttp.encode(value) : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The search headers with their placeholders replaced. */
    Map<String, String> headers(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        searchHeaders.forEach((k, v) -> out.put(k, expand(v, values, false)));
        return out;
    }
}
