package org.mailprobe.probes.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for Roundcube 1.6 on loopback (random port), answering as recorded from the real
 * one: the login page with its {@code _token} and session cookie, the login POST (302 to the
 * mail page, 401 with the form again when refused), the mail page's {@code request_token}, the
 * AJAX search's JSON with {@code add_message_row} calls (or {@code session_error} once the session
 * is gone, HTTP 403 for a wrong request token), view source as text/plain, and logout. Knobs make
 * it expire sessions, fail with a status, or hang.
 */
public final class FakeRoundcube implements AutoCloseable {
    public static final String PATH = "/roundcube/";

    private final HttpServer server;
    private final String user;
    private final String password;
    /** uid to raw RFC 5322 message, in arrival order. */
    private final Map<Long, String> messages = new java.util.LinkedHashMap<>();
    private long nextUid = 1;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    public final AtomicInteger loginPosts = new AtomicInteger();
    public final AtomicInteger goodLogins = new AtomicInteger();
    public final AtomicInteger searches = new AtomicInteger();
    public final AtomicInteger sources = new AtomicInteger();
    public final AtomicInteger logouts = new AtomicInteger();
    /** Query strings seen, for checks that nothing but reads was asked for. */
    public final List<String> actions = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Status for every search while non-zero. */
    public volatile int searchStatus;
    /** While set, every search answers this HTML page with status 200 (a broken or foreign webmail). */
    public volatile String searchPage;
    /** While true, every search finds its session gone (a server that drops sessions at once). */
    public volatile boolean sessionsDie;
    /** Searches answer after this many milliseconds while positive. */
    public volatile long searchDelayMillis;

    private static final class Session {
        final String token = "tok" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        volatile boolean authed;
    }

    public FakeRoundcube(String user, String password, boolean https) throws IOException {
        this.user = user;
        this.password = password;
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (https) {
            HttpsServer s = HttpsServer.create(address, 0);
            s.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
            server = s;
        } else {
            server = HttpServer.create(address, 0);
        }
        server.createContext(PATH, this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-roundcube");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    private static SSLContext serverContext() throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance(TestCa.get().serverKeyStore().toFile(), TestCa.PASSWORD.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, TestCa.PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The webmail's URL, on {@code localhost} (the name in the test CA's certificate). */
    public URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://localhost:" + server.getAddress().getPort() + PATH);
    }

    private volatile java.util.function.Supplier<Map<Long, String>> mirror;

    /** Shows {@code source}'s messages (uid to raw message) instead of those delivered here, as Roundcube shows its IMAP server's. */
    public void mirror(java.util.function.Supplier<Map<Long, String>> source) {
        this.mirror = source;
    }

    private synchronized Map<Long, String> messages() {
        java.util.function.Supplier<Map<Long, String>> m = mirror;
        return m != null ? new java.util.LinkedHashMap<>(m.get()) : new java.util.LinkedHashMap<>(messages);
    }

    /** Delivers a message; returns its UID. */
    public synchronized long deliver(String raw) {
        long uid = nextUid++;
        messages.put(uid, raw);
        return uid;
    }

    /** Ends every session on the server, as Roundcube's session lifetime does. */
    public void expireSessions() {
        sessions.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            Map<String, String> q = params(x.getRequestURI().getRawQuery());
            actions.add(x.getRequestMethod() + " " + x.getRequestURI().getRawQuery());
            Session session = session(x);
            String task = q.getOrDefault("_task", "login");
            String action = q.getOrDefault("_action", "");
            if (task.equals("login") && x.getRequestMethod().equals("POST")) {
                login(x, session);
            } else if (task.equals("login")) {
                loginPage(x, 200, newSession(x));
            } else if (task.equals("logout")) {
                if (session != null && session.authed && session.token.equals(q.get("_token"))) {
                    logouts.incrementAndGet();
                    sessions.values().remove(session);
                }
                redirect(x, "./?_task=login");
            } else if (session == null || !session.authed) {
                if (q.containsKey("_remote")) {
                    send(x, 200, "application/json", "{\"action\":\"" + action
                            + "\",\"unlock\":false,\"exec\":\"this.session_error(\\\"./?_task=login&_err=session\\\");\\n\"}");
                } else {
                    loginPage(x, 200, newSession(x));
                }
            } else if (action.isEmpty()) {
                send(x, 200, "text/html; charset=UTF-8", "<html><head><script>rcmail.set_env({\"task\":\"mail\","
                        + "\"request_token\":\"" + session.token + "\",\"mailbox\":\"INBOX\"});</script></head>"
                        + "<body><div id=\"messagelist\"></div></body></html>");
            } else if (action.equals("search")) {
                search(x, session, q);
            } else if (action.equals("viewsource")) {
                sources.incrementAndGet();
                String raw = messages().get(Long.parseLong(q.getOrDefault("_uid", "0")));
                send(x, 200, "text/plain; charset=UTF-8", raw == null ? "" : raw);
            } else {
                send(x, 404, "text/plain", "no such action");
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void search(HttpExchange x, Session session, Map<String, String> q) throws IOException {
        searches.incrementAndGet();
        long delay = searchDelayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay); // a stuck server, for the timeout tests
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sessionsDie) {
            sessions.values().remove(session);
            send(x, 200, "application/json", "{\"action\":\"search\",\"unlock\":false,"
                    + "\"exec\":\"this.session_error(\\\"./?_task=login&_err=session\\\");\\n\"}");
            return;
        }
        String page = searchPage;
        if (page != null) {
            send(x, 200, "text/html; charset=UTF-8", page);
            return;
        }
        if (!session.token.equals(x.getRequestHeaders().getFirst("X-Roundcube-Request"))) {
            send(x, 403, "text/plain", "Invalid Request");
            return;
        }
        int status = searchStatus;
        if (status != 0) {
            send(x, status, "text/html", "<html><body>Internal error</body></html>");
            return;
        }
        String wanted = q.getOrDefault("_q", "");
        StringBuilder exec = new StringBuilder("this.set_pagetitle(\\\"Roundcube Webmail :: Inbox\\\");\\n");
        Map<Long, String> all = messages();
        List<Long> uids = new ArrayList<>(all.keySet());
        java.util.Collections.reverse(uids); // newest first
        for (long uid : uids) {
            String subject = subject(all.get(uid));
            if (subject.contains(wanted)) {
                exec.append("this.add_message_row(").append(uid).append(",{\\\"subject\\\":\\\"")
                        .append(subject.replace("\"", "\\\\\\\"")).append("\\\",\\\"fromto\\\":\\\"agent\\\"},")
                        .append("{\\\"ctype\\\":\\\"text/plain\\\",\\\"mbox\\\":\\\"INBOX\\\"},false);\\n");
            }
        }
        send(x, 200, "application/json; charset=UTF-8", "{\"action\":\"search\",\"unlock\":\"0\",\"env\":"
                + "{\"search_request\":\"abc\",\"messagecount\":" + uids.size() + "},\"exec\":\"" + exec + "\"}");
    }

    private static String subject(String raw) {
        for (String line : raw.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, "Subject:", 0, 8)) {
                return line.substring(8).trim();
            }
        }
        return "";
    }

    private void login(HttpExchange x, Session session) throws IOException {
        loginPosts.incrementAndGet();
        Map<String, String> form = params(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (session == null || !session.token.equals(form.get("_token"))) {
            // Roundcube: "Invalid request! No data was saved." on a missing cookie or a stale token.
            loginPage(x, 401, newSession(x));
            return;
        }
        if (!user.equals(form.get("_user")) || !password.equals(form.get("_pass"))) {
            loginPage(x, 401, session);
            return;
        }
        goodLogins.incrementAndGet();
        // Roundcube gives the session a new id on login.
        sessions.values().remove(session);
        Session authed = new Session();
        authed.authed = true;
        String id = "s" + ids.incrementAndGet();
        sessions.put(id, authed);
        x.getResponseHeaders().add("Set-Cookie", "roundcube_sessid=" + id + "; path=" + PATH + "; HttpOnly");
        x.getResponseHeaders().add("Set-Cookie", "roundcube_sessauth=a" + id + "; path=" + PATH + "; HttpOnly");
        redirect(x, "./?_task=mail&_mbox=INBOX");
    }

    private Session newSession(HttpExchange x) {
        String id = "s" + ids.incrementAndGet();
        Session s = new Session();
        sessions.put(id, s);
        x.getResponseHeaders().add("Set-Cookie", "roundcube_sessid=" + id + "; path=" + PATH + "; HttpOnly");
        return s;
    }

    private Session session(HttpExchange x) {
        List<String> cookies = x.getRequestHeaders().getOrDefault("Cookie", List.of());
        for (String header : cookies) {
            for (String c : header.split(";")) {
                String[] kv = c.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals("roundcube_sessid") && sessions.containsKey(kv[1])) {
                    return sessions.get(kv[1]);
                }
            }
        }
        return null;
    }

    private void loginPage(HttpExchange x, int status, Session s) throws IOException {
        send(x, status, "text/html; charset=UTF-8", "<!DOCTYPE html><html><head><script>rcmail.set_env({\"task\":"
                + "\"login\",\"request_token\":\"" + s.token + "\"});</script></head><body>"
                + "<form name=\"login-form\" method=\"post\" action=\"./?_task=login\">"
                + "<input type=\"hidden\" name=\"_token\" value=\"" + s.token + "\">"
                + "<input type=\"hidden\" name=\"_task\" value=\"login\">"
                + "<input type=\"hidden\" name=\"_action\" value=\"login\">"
                + "<input type=\"hidden\" name=\"_timezone\" id=\"rcmlogintz\" value=\"_default_\">"
                + "<input type=\"hidden\" name=\"_url\" id=\"rcmloginurl\" value=\"\">"
                + "<input name=\"_user\" id=\"rcmloginuser\" required size=\"40\" autocomplete=\"off\" type=\"text\">"
                + "<input name=\"_pass\" id=\"rcmloginpwd\" required size=\"40\" type=\"password\">"
                + "<button type=\"submit\">Login</button></form></body></html>");
    }

    private static void redirect(HttpExchange x, String location) throws IOException {
        x.getResponseHeaders().add("Location", location);
        x.sendResponseHeaders(302, -1);
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, String> params(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    /** For assertions: the requests made, as {@code METHOD task/action}, without parameters' values. */
    public Set<String> actionNames() {
        Set<String> names = new java.util.TreeSet<>();
        synchronized (actions) {
            for (String a : actions) {
                Map<String, String> q = params(a.substring(a.indexOf(' ') + 1).equals("null") ? ""
                        : a.substring(a.indexOf(' ') + 1));
                names.add(a.substring(0, a.indexOf(' ')) + " " + q.getOrDefault("_task", "login") + "/"
                        + q.getOrDefault("_action", ""));
            }
        }
        return names;
    }
}
