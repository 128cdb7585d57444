package org.mailprobe.probes.webmail;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.token.ProbeMessage;

/**
 * Any webmail with a login form, driven as {@link FormLoginSettings} says: fetch the login page,
 * post the form with its hidden fields, read values (a request token) from the page after login,
 * then search; the token header must show in the search answer or in the message page it links
 * to by id.
 */
final class FormLoginDriver implements WebmailDriver {
    private final WebmailSettings settings;
    private final FormLoginSettings form;
    private final WebmailHttp http;
    private final ProbeClock clock;
    private final Map<String, String> values = new HashMap<>();
    private boolean loggedIn;

    /** @param clock dates each answer, the instant what it shows was visible (an arrival's time) */
    FormLoginDriver(WebmailSettings settings, WebmailHttp http, ProbeClock clock) {
        this.clock = clock;
        this.settings = settings;
        this.form = Objects.requireNonNull(settings.form(), "the form driver has its form settings");
        this.http = http;
    }

    private URI url(String template) {
        return settings.url().resolve(FormLoginSettings.expand(template, values, true));
    }

    @Override
    public Duration login(Instant deadline) throws IOException, DeadlineExceededException {
        http.clearCookies();
        loggedIn = false;
        values.clear();
        values.put("query", ProbeMessage.SUBJECT_PREFIX);
        values.put("folder", settings.folder());
        WebmailHttp.Page page = http.get(url(form.loginUrl()), Map.of(), deadline, "the login page");
        if (!page.ok()) {
            throw WebmailException.status("the login page", page.status());
        }
        Document doc = Jsoup.parse(page.body(), page.uri().toString());
        Map<String, String> post = new LinkedHashMap<>(form.fields());
        for (FormLoginSettings.Extract hidden : form.hiddenFields()) {
            post.put(hidden.name(), extract(hidden, doc, page.body(), "the login page"));
        }
        post.put(form.userField(), settings.account().user());
        post.put(form.passwordField(), settings.account().password().reveal());
        URI action = form.loginAction() != null ? url(form.loginAction()) : formAction(doc, page.uri());
        WebmailHttp.Page after = http.postForm(action, post, Map.of(), deadline, "the login");
        Duration took = page.took().plus(after.took());
        if (after.status() >= 500) {
            throw WebmailException.status("the login", after.status());
        }
        Document afterDoc = Jsoup.parse(after.body(), after.uri().toString());
        boolean accepted = form.loggedIn() != null ? form.loggedIn().matcher(after.body()).find()
                : passwordField(afterDoc) == null;
        if (after.status() == 401 || after.status() == 403 || !accepted) {
            throw new WebmailException(Reason.LOGIN, "the webmail refused the login of " + settings.account().user()
                    + " (HTTP " + after.status() + ")");
        }
        if (!after.ok()) {
            throw WebmailException.status("the login", after.status());
        }
        for (FormLoginSettings.Extract capture : form.captures()) {
            values.put(capture.name(), extract(capture, afterDoc, after.body(), "the page after login"));
        }
        loggedIn = true;
        return took;
    }

    private @Nullable Element passwordField(Document doc) {
        return doc.selectFirst("input[name=" + cssQuoted(form.passwordField()) + "]");
    }

    /** The action of the form that holds the password field, else the page itself. */
    private URI formAction(Document doc, URI page) {
        Element field = passwordField(doc);
        Element f = field == null ? null : field.closest("form");
        if (f == null || f.attr("action").isBlank()) {
            return page;
        }
        return page.resolve(f.attr("action").trim());
    }

    private static String extract(FormLoginSettings.Extract e, Document doc, String body, String where)
            throws WebmailException {
        String value = null;
        if (e.selector() != null) {
            Element el = doc.selectFirst(e.selector());
            if (el != null) {
                value = el.hasAttr("value") ? el.attr("value") : el.text();
            }
        } else {
            Matcher m = e.pattern().matcher(body);
            if (m.find()) {
                value = m.group(1);
            }
        }
        if (value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // It goes into a header or a URL; a page that puts line breaks there is broken or hostile.
            throw new WebmailException(Reason.LOGIN, where + " gives " + e.name() + " with control characters");
        }
        if (value == null) {
            // The value itself is never shown: it may be a CSRF or session token.
            throw new WebmailException(Reason.LOGIN, where + " has no " + e.name() + " ("
                    + (e.selector() != null ? "selector " + e.selector() : "pattern " + e.pattern().pattern()) + ")");
        }
        return value;
    }

    private static String cssQuoted(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public Listing find(Instant deadline) throws IOException, DeadlineExceededException {
        requireLogin();
        WebmailHttp.Page page = http.get(url(form.searchUrl()), form.headers(values), deadline, "the search");
        Instant answeredAt = clock.now();
        checkSession(page, "the search");
        List<Listed> listed = new ArrayList<>();
        if (form.idPattern() != null) {
            Set<String> ids = new LinkedHashSet<>();
            Matcher m = form.idPattern().matcher(page.body());
            while (m.find()) {
                ids.add(m.group(1));
            }
            ids.forEach(id -> listed.add(new Listed(id, List.of())));
        } else {
            // The answer shows the tokens itself; each token is its message's id.
            for (String token : TokenText.inPage(page.body())) {
                listed.add(new Listed(token, List.of(token)));
            }
        }
        return new Listing(listed, answeredAt, page.took());
    }

    @Override
    public Source source(String id, Instant deadline) throws IOException, DeadlineExceededException {
        requireLogin();
        if (form.messageUrl() == null) {
            throw new IllegalStateException("no message_url: the search answer carries the tokens");
        }
        Map<String, String> withId = new HashMap<>(values);
        withId.put("id", id);
        URI uri = settings.url().resolve(FormLoginSettings.expand(form.messageUrl(), withId, true));
        WebmailHttp.Page page = http.get(uri, form.headers(values), deadline, "the message");
        checkSession(page, "the message");
        if (!page.html()) {
            Source raw = TokenText.fromRawMessage(page.body(), page.took());
            if (!raw.tokens().isEmpty()) {
                return raw;
            }
        }
        return new Source(TokenText.inPage(page.body()), List.of(), page.took());
    }

    private void requireLogin() throws WebmailException {
        if (!loggedIn) {
            throw new WebmailException(Reason.SESSION, "not logged in");
        }
    }

    private void checkSession(WebmailHttp.Page page, String what) throws WebmailException {
        if (page.status() == 401 || page.status() == 403) {
            throw new WebmailException(Reason.SESSION, what + " answered HTTP " + page.status()
                    + ": the session has ended");
        }
        if (!page.ok()) {
            throw WebmailException.status(what, page.status());
        }
        boolean expired = form.sessionExpired() != null && form.sessionExpired().matcher(page.body()).find();
        if (expired || page.html() && passwordField(Jsoup.parse(page.body())) != null) {
            throw new WebmailException(Reason.SESSION, what + " shows that the session has ended");
        }
    }

    @Override
    public void logout(Instant deadline) {
        boolean was = loggedIn;
        loggedIn = false;
        try {
            if (was && form.logoutUrl() != null) {
                http.get(url(form.logoutUrl()), Map.of(), deadline, "the logout");
            }
        } catch (IOException | DeadlineExceededException | RuntimeException e) {
            // The session ends on the server by itself.
        } finally {
            http.clearCookies();
            values.clear();
        }
    }

    @Override
    public void abort() {
        http.abort();
    }
}
