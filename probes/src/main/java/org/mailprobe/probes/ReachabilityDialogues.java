package org.mailprobe.probes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.mailprobe.probes.LineConnection.ReplyException;

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
    static void smtp(LineConnection c, ReachabilitySettings s, StageTimeline timeline) throws IOException {
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
            expect(smtpReply(c), "250", Reason.PROTOCOL, "EHLO");
            String plain = "\0" + s.login().user() + "\0" + s.login().password().reveal();
            c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
            expect(smtpReply(c), "235", Reason.AUTH, "AUTH");
        }
        c.send("QUIT");
    }

    /** RFC 9051 7.1: {@code * OK} or {@code * PREAUTH}; STARTTLS (6.2.1); LOGIN (6.2.3). */
    static void imap(LineConnection c, ReachabilitySettings s, StageTimeline timeline) throws IOException {
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
            c.send("a2 LOGIN " + quoted(s.login().user()) + " " + quoted(s.login().password().reveal()));
            imapTagged(c, "a2", Reason.AUTH, "LOGIN");
        }
        c.send("a3 LOGOUT");
    }

    /** RFC 1939 4: {@code +OK}; STLS (RFC 2595 4); USER and PASS. */
    static void pop3(LineConnection c, ReachabilitySettings s, StageTimeline timeline) throws IOException {
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
