package org.mailprobe.probes.reachability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.internal.StageTimeline;
import org.mailprobe.probes.oauth.OAuthSasl;
import org.mailprobe.probes.reachability.LineConnection.ReplyException;

/**
 * The per-protocol part of a reachability check: greeting, STARTTLS and login, each a few lines
 * on a {@link LineConnection}. A reply that is not the one wanted ends the check with a
 * {@link ReplyException} naming its reason.
 */
final class ReachabilityDialogues {
    /** Far more than any EHLO reply has (Postfix sends about a dozen lines). */
    static final int MAX_REPLY_LINES = 200;

    private ReachabilityDialogues() {}

    /** RFC 5321 4.2: a 220 greeting, possibly multi-line; EHLO, STARTTLS (RFC 3207), AUTH PLAIN (RFC 4954). */
    static void smtp(LineConnection c, ReachabilitySettings s, StageTimeline timeline, @Nullable Secret bearer)
            throws IOException {
        expect(smtpReply(c), "220", Reason.GREETING, "greeting");
        String ehlo = "EHLO " + s.localHost();
        if (s.endpoint().tlsMode() == TlsMode.STARTTLS) {
            timeline.begin(Stage.STARTTLS);
            c.send(ehlo);
            String extensions = smtpReply(c);
            expect(extensions, "250", Reason.PROTOCOL, "EHLO");
            if (!extensions.toUpperCase(Locale.ROOT).contains("STARTTLS")) {
                throw new ReplyException(Reason.STARTTLS, "the server does not offer STARTTLS");
            }
            c.send("STARTTLS");
            expect(smtpReply(c), "220", Reason.STARTTLS, "STARTTLS");
            c.startTls(s.tls());
        }
        if (s.login() != null) {
            timeline.begin(Stage.LOGIN);
            c.send(ehlo);
            String extensions = smtpReply(c);
            expect(extensions, "250", Reason.PROTOCOL, "EHLO");
            if (bearer != null) {
                smtpOAuth(c, s.login(), bearer, extensions);
                c.send("QUIT");
                return;
            }
            String plain = "\0" + s.login().user() + "\0" + s.login().password().reveal();
            c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
            expect(smtpReply(c), "235", Reason.AUTH, "AUTH");
        }
        c.send("QUIT");
    }

    /** RFC 9051 7.1: {@code * OK} or {@code * PREAUTH}; STARTTLS (6.2.1); LOGIN (6.2.3). */
    static void imap(LineConnection c, ReachabilitySettings s, StageTimeline timeline, @Nullable Secret bearer)
            throws IOException {
        String greeting = c.readLine();
        String upper = greeting.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("* OK") && !upper.startsWith("* PREAUTH")) {
            throw new ReplyException(Reason.GREETING, "greeting was not * OK");
        }
        if (s.endpoint().tlsMode() == TlsMode.STARTTLS) {
            timeline.begin(Stage.STARTTLS);
            c.send("a1 STARTTLS");
            imapTagged(c, "a1", Reason.STARTTLS, "STARTTLS");
            c.startTls(s.tls());
        }
        if (s.login() != null) {
            timeline.begin(Stage.LOGIN);
            if (bearer != null) {
                imapOAuth(c, s.login(), bearer);
                c.send("a3 LOGOUT");
                return;
            }
            c.send("a2 LOGIN " + quoted(s.login().user()) + " " + quoted(s.login().password().reveal()));
            imapTagged(c, "a2", Reason.AUTH, "LOGIN");
        }
        c.send("a3 LOGOUT");
    }

    /** RFC 1939 4: {@code +OK}; STLS (RFC 2595 4); USER and PASS. */
    static void pop3(LineConnection c, ReachabilitySettings s, StageTimeline timeline, @Nullable Secret bearer)
            throws IOException {
        if (!c.readLine().startsWith("+OK")) {
            throw new ReplyException(Reason.GREETING, "greeting was not +OK");
        }
        if (s.endpoint().tlsMode() == TlsMode.STARTTLS) {
            timeline.begin(Stage.STARTTLS);
            c.send("STLS");
            pop3Ok(c, Reason.STARTTLS, "STLS");
            c.startTls(s.tls());
        }
        if (s.login() != null) {
            timeline.begin(Stage.LOGIN);
            if (bearer != null) {
                pop3OAuth(c, s.login(), bearer);
                c.send("QUIT");
                return;
            }
            c.send("USER " + s.login().user());
            pop3Ok(c, Reason.AUTH, "USER");
            c.send("PASS " + s.login().password().reveal());
            pop3Ok(c, Reason.AUTH, "PASS");
        }
        c.send("QUIT");
    }

    /** RFC 9112 3 and 4: one GET, then the status line's code must be one of those configured. */
    static void http(LineConnection c, ReachabilitySettings s) throws IOException {
        ServerEndpoint e = s.endpoint();
        int defaultPort = e.tlsMode() == TlsMode.IMPLICIT ? 443 : 80;
        String host = e.host().contains(":") ? "[" + e.host() + "]" : e.host();
        c.send("GET " + s.httpPath() + " HTTP/1.1\r\nHost: " + host + (e.port() == defaultPort ? "" : ":" + e.port())
                + "\r\nUser-Agent: mailprobe\r\nAccept: */*\r\nConnection: close\r\n");
        String status = c.readLine();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            throw new ReplyException(Reason.PROTOCOL, "not an HTTP status line");
        }
        int code = Integer.parseInt(parts[1]);
        if (!s.httpStatuses().contains(code)) {
            throw new ReplyException(Reason.HTTP_STATUS, "HTTP status " + code + " is not one of " + s.httpStatuses());
        }
    }

    /** RFC 4954 AUTH with an initial response; a 334 is the server's error challenge (RFC 7628 3.2.2). */
    private static void smtpOAuth(LineConnection c, Account login, Secret bearer, String extensions)
            throws IOException {
        Set<String> offered = new HashSet<>();
        for (String line : extensions.split("\n")) {
            String keyword = line.length() > 4 ? line.substring(4).toUpperCase(Locale.ROOT) : "";
            if (keyword.startsWith("AUTH ") || keyword.startsWith("AUTH=")) {
                offered.addAll(Arrays.asList(keyword.substring(5).trim().split("\\s+")));
            }
        }
        String mechanism = chosen(login, offered);
        c.send("AUTH " + mechanism + " " + initialResponse(mechanism, login, bearer));
        String reply = smtpReply(c);
        if (reply.startsWith("334")) {
            c.send(errorAcknowledgement(mechanism));
            reply = smtpReply(c);
        }
        if (!reply.startsWith("235")) {
            throw new TokenRefusedException("AUTH " + mechanism + " was answered with something other than 235");
        }
    }

    /** RFC 9051 6.2.2 AUTHENTICATE, with SASL-IR (RFC 4959) where the server offers it. */
    private static void imapOAuth(LineConnection c, Account login, Secret bearer) throws IOException {
        c.send("a0 CAPABILITY");
        Set<String> capabilities = new HashSet<>();
        while (true) {
            String line = c.readLine();
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("* CAPABILITY ")) {
                capabilities.addAll(Arrays.asList(upper.substring(13).trim().split("\\s+")));
            } else if (upper.startsWith("A0 ")) {
                if (!upper.startsWith("A0 OK")) {
                    throw new ReplyException(Reason.PROTOCOL, "CAPABILITY was refused");
                }
                break;
            } else if (upper.startsWith("* BYE")) {
                throw new ReplyException(Reason.PROTOCOL, "the server said BYE");
            }
        }
        Set<String> offered = new HashSet<>();
        for (String capability : capabilities) {
            if (capability.startsWith("AUTH=")) {
                offered.add(capability.substring(5));
            }
        }
        String mechanism = chosen(login, offered);
        String response = initialResponse(mechanism, login, bearer);
        boolean initial = capabilities.contains("SASL-IR");
        c.send("a2 AUTHENTICATE " + mechanism + (initial ? " " + response : ""));
        boolean sent = initial;
        while (true) {
            String line = c.readLine();
            String upper = line.toUpperCase(Locale.ROOT);
            if (line.startsWith("+")) {
                // The first continuation asks for the response; one after it is the error challenge.
                c.send(sent ? errorAcknowledgement(mechanism) : response);
                sent = true;
            } else if (upper.startsWith("A2 OK")) {
                return;
            } else if (upper.startsWith("A2 NO")) {
                throw new TokenRefusedException("AUTHENTICATE " + mechanism + " was refused");
            } else if (upper.startsWith("A2 ") || upper.startsWith("* BYE")) {
                throw new ReplyException(Reason.PROTOCOL, "AUTHENTICATE " + mechanism + " was not understood");
            }
        }
    }

    /** RFC 5034 AUTH with an initial response, after CAPA (RFC 2449) says which SASL mechanisms there are. */
    private static void pop3OAuth(LineConnection c, Account login, Secret bearer) throws IOException {
        c.send("CAPA");
        Set<String> offered = new HashSet<>();
        if (c.readLine().startsWith("+OK")) {
            for (int lines = 1; lines <= MAX_REPLY_LINES; lines++) {
                String line = c.readLine();
                if (line.equals(".")) {
                    break;
                }
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("SASL ")) {
                    offered.addAll(Arrays.asList(upper.substring(5).trim().split("\\s+")));
                }
            }
        }
        String mechanism = chosen(login, offered);
        c.send("AUTH " + mechanism + " " + initialResponse(mechanism, login, bearer));
        String reply = c.readLine();
        if (reply.startsWith("+ ") || reply.equals("+")) {
            c.send(errorAcknowledgement(mechanism));
            reply = c.readLine();
        }
        if (!reply.startsWith("+OK")) {
            throw new TokenRefusedException("AUTH " + mechanism + " was refused");
        }
    }

    private static String chosen(Account login, Set<String> offered) throws ReplyException {
        OAuthMechanism allowed = Objects.requireNonNull(login.oauth(), "usesOAuth").mechanism();
        String mechanism = OAuthSasl.choose(allowed, offered.contains(OAuthSasl.OAUTHBEARER),
                offered.contains(OAuthSasl.XOAUTH2));
        if (mechanism == null) {
            throw new ReplyException(Reason.AUTH, OAuthSasl.notOffered(allowed));
        }
        return mechanism;
    }

    private static String initialResponse(String mechanism, Account login, Secret bearer) {
        byte[] response = mechanism.equals(OAuthSasl.XOAUTH2) ? OAuthSasl.xoauth2(login.user(), bearer)
                : OAuthSasl.oauthBearer(login.user(), bearer);
        return Base64.getEncoder().encodeToString(response);
    }

    /** OAUTHBEARER's %x01 (RFC 7628 3.2.3); for XOAUTH2 an empty response, as Google documents. */
    private static String errorAcknowledgement(String mechanism) {
        return mechanism.equals(OAuthSasl.OAUTHBEARER)
                ? Base64.getEncoder().encodeToString(OAuthSasl.errorAcknowledgement()) : "";
    }

    /** The server refused the OAuth token it was given: worth one more try with a fresh token. */
    static final class TokenRefusedException extends ReplyException {
        private static final long serialVersionUID = 1L;

        TokenRefusedException(String message) {
            super(Reason.AUTH, message);
        }
    }

    /**
     * A whole SMTP reply (RFC 5321 4.2.1: lines "NNN-" continue it, "NNN " ends it), at most
     * {@link #MAX_REPLY_LINES} lines: a reply that never ends would otherwise grow until the deadline.
     */
    private static String smtpReply(LineConnection c) throws IOException {
        StringBuilder all = new StringBuilder();
        for (int lines = 1; lines <= MAX_REPLY_LINES; lines++) {
            String line = c.readLine();
            all.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) != '-') {
                return all.toString();
            }
        }
        throw new ReplyException(Reason.PROTOCOL, "a reply of more than " + MAX_REPLY_LINES + " lines");
    }

    private static void expect(String reply, String code, Reason otherwise, String what) throws ReplyException {
        if (!reply.startsWith(code)) {
            throw new ReplyException(otherwise, what + " was answered with something other than " + code);
        }
    }

    private static void imapTagged(LineConnection c, String tag, Reason onNo, String what) throws IOException {
        while (true) {
            String line = c.readLine();
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith(tag.toUpperCase(Locale.ROOT) + " ")) {
                if (upper.startsWith(tag.toUpperCase(Locale.ROOT) + " OK")) {
                    return;
                }
                throw new ReplyException(upper.startsWith(tag.toUpperCase(Locale.ROOT) + " NO") ? onNo
                        : what.equals("STARTTLS") ? Reason.STARTTLS : Reason.PROTOCOL, what + " was refused");
            }
            if (upper.startsWith("* BYE")) {
                throw new ReplyException(Reason.PROTOCOL, "the server said BYE");
            }
        }
    }

    private static void pop3Ok(LineConnection c, Reason onErr, String what) throws IOException {
        if (!c.readLine().startsWith("+OK")) {
            throw new ReplyException(onErr, what + " was refused");
        }
    }

    /** An IMAP quoted string (RFC 9051 4.3). */
    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
