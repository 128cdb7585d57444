package org.mailprobe.probes.webmail;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.token.ProbeMessage;

/**
 * Roundcube 1.6 over plain HTTP, as its own pages do it: the login form's {@code _token} and the
 * session cookie; then the quick-search request (AJAX, {@code _remote=1}, with the
 * {@code X-Roundcube-Request} header carrying the session's request token), whose JSON answer lists
 * rows as {@code add_message_row(UID, ...)} calls; a probe's source by {@code _action=viewsource},
 * which Roundcube fetches with {@code BODY.PEEK} and so does not mark the message read.
 */
final class RoundcubeDriver implements WebmailDriver {
    /** The session's request token in a page: {@code rcmail.set_env({..."request_token":"..."})}. */
    private static final Pattern REQUEST_TOKEN = Pattern.compile("\"request_token\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");
    /** A row of the list; the UID may be quoted (escaped inside the JSON string) in multi-folder search. */
    private static final Pattern ROW = Pattern.compile("add_message_row\\(\\s*(?:\\\\?\")?([A-Za-z0-9._-]+)");

    private final WebmailSettings settings;
    private final WebmailHttp http;
    private final ProbeClock clock;
    private final String base;
    private @Nullable String requestToken;

    /** @param clock dates each answer, the instant what it shows was visible (an arrival's time) */
    RoundcubeDriver(WebmailSettings settings, WebmailHttp http, ProbeClock clock) {
        this.clock = clock;
        this.settings = settings;
        this.http = http;
        this.base = baseOf(settings.url());
    }

    /** The URL without query or fragment, ending in '/' unless it names a script (index.php). */
    static String baseOf(URI url) {
        String s = url.toString();
        int cut = s.length();
        for (char c : new char[] {'?', '#'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        s = s.substring(0, cut);
        return s.endsWith("/") || s.endsWith(".php") ? s : s + "/";
    }

    private URI at(String query) {
        return URI.create(base + "?" + query);
    }

    @Override
    public Duration login(Instant deadline) throws IOException, DeadlineExceededException {
        http.clearCookies();
        requestToken = null;
        WebmailHttp.Page page = http.get(at("_task=login"), Map.of(), deadline, "the Roundcube login page");
        if (!page.ok()) {
            throw WebmailException.status("the Roundcube login page", page.status());
        }
        Element token = Jsoup.parse(page.body(), page.uri().toString()).selectFirst("input[name=_token]");
        if (token == null || token.attr("value").isEmpty()) {
            throw new WebmailException(Reason.LOGIN, "the login page has no _token field; is this Roundcube 1.6?");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("_token", token.attr("value"));
        form.put("_task", "login");
        form.put("_action", "login");
        form.put("_timezone", "_default_");
        form.put("_url", "");
        form.put("_user", settings.account().user());
        form.put("_pass", settings.account().password().reveal());
        WebmailHttp.Page after = http.postForm(at("_task=login"), form, Map.of(), deadline, "the Roundcube login");
        Duration took = page.took().plus(after.took());
        if (after.status() >= 500) {
            throw WebmailException.status("the Roundcube login", after.status());
        }
        Document doc = Jsoup.parse(after.body());
        // A refused login shows the form again, with HTTP 401 since Roundcube 1.5.
        if (after.status() == 401 || after.status() == 403 || doc.selectFirst("input[name=_pass]") != null) {
            throw new WebmailException(Reason.LOGIN, "Roundcube refused the login of " + settings.account().user()
                    + " (HTTP " + after.status() + ")");
        }
        if (!after.ok()) {
            throw WebmailException.status("the Roundcube login", after.status());
        }
        Matcher m = REQUEST_TOKEN.matcher(after.body());
        if (!m.find()) {
            throw new WebmailException(Reason.LOGIN, "after the login Roundcube's page has no request token");
        }
        requestToken = m.group(1);
        return took;
    }

    @Override
    public Listing find(Instant deadline) throws IOException, DeadlineExceededException {
        String query = "_task=mail&_action=search&_q=" + WebmailHttp.encode(ProbeMessage.SUBJECT_PREFIX)
                + "&_headers=subject&_filter=ALL&_scope=base&_mbox=" + WebmailHttp.encode(settings.folder())
                + "&_remote=1";
        WebmailHttp.Page page = http.get(at(query), ajaxHeaders(), deadline, "the Roundcube search");
        Instant answeredAt = clock.now();
        checkSession(page, "the Roundcube search");
        String body = page.body();
        if (body.contains("session_error") || page.html() && body.contains("name=\"_pass\"")) {
            throw new WebmailException(Reason.SESSION, "Roundcube says the session has ended");
        }
        if (!body.startsWith("{") || !body.contains("\"action\"")) {
            throw new WebmailException(Reason.SEARCH, "the search answer is not Roundcube's JSON");
        }
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = ROW.matcher(body);
        while (m.find()) {
            ids.add(m.group(1));
        }
        List<Listed> listed = new ArrayList<>();
        for (String id : ids) {
            listed.add(new Listed(id, List.of()));
        }
        return new Listing(listed, answeredAt, page.took());
    }

    @Override
    public Source source(String id, Instant deadline) throws IOException, DeadlineExceededException {
        String query = "_task=mail&_action=viewsource&_uid=" + WebmailHttp.encode(id) + "&_mbox="
                + WebmailHttp.encode(settings.folder());
        WebmailHttp.Page page = http.get(at(query), ajaxHeaders(), deadline, "the Roundcube message source");
        checkSession(page, "the Roundcube message source");
        if (page.html()) {
            // The raw source is text/plain; a page is the login form or an error.
            throw new WebmailException(Reason.SESSION, "Roundcube showed a page instead of the message source");
        }
        return TokenText.fromRawMessage(page.body(), page.took());
    }

    private Map<String, String> ajaxHeaders() throws WebmailException {
        if (requestToken == null) {
            throw new WebmailException(Reason.SESSION, "not logged in");
        }
        return Map.of("X-Roundcube-Request", requestToken, "X-Requested-With", "XMLHttpRequest");
    }

    private static void checkSession(WebmailHttp.Page page, String what) throws WebmailException {
        // 401: not logged in; 403: the request token no longer matches the session (Roundcube's
        // "Invalid Request"), both after the session expired on the server.
        if (page.status() == 401 || page.status() == 403) {
            throw new WebmailException(Reason.SESSION, what + " answered HTTP " + page.status()
                    + ": the session has ended");
        }
        if (!page.ok()) {
            throw WebmailException.status(what, page.status());
        }
    }

    @Override
    public void logout(Instant deadline) {
        String token = requestToken;
        requestToken = null;
        if (token == null) {
            return;
        }
        try {
            http.get(at("_task=logout&_token=" + WebmailHttp.encode(token)), Map.of(), deadline, "the Roundcube logout");
        } catch (IOException | DeadlineExceededException | RuntimeException e) {
            // The session ends on the server by itself; nothing to do about a failed logout.
        } finally {
            http.clearCookies();
        }
    }

    @Override
    public void abort() {
        http.abort();
    }
}
