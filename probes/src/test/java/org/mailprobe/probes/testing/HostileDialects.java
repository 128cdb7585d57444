package org.mailprobe.probes.testing;

import java.util.Locale;
import java.util.function.Function;
import org.mailprobe.probes.testing.HostileServer.Step;

/**
 * Minimal, well-behaved SMTP, IMAP, POP3 and HTTP server dialogues for {@link HostileServer},
 * each with one place where the fault matrix makes it misbehave: a command whose reply is
 * replaced ({@code refuseAt}, {@code withReply}), STARTTLS offered or not, a step run instead of a
 * reply ({@code then}).
 */
public final class HostileDialects {
    private HostileDialects() {}

    /** SMTP: {@code refuse} is the reply to the command starting {@code at} (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, "." for the end of DATA). */
    public static Function<String, String> smtp(boolean offerStartTls, String at, String refuse) {
        return line -> {
            String upper = line.toUpperCase(Locale.ROOT);
            if (at != null && (upper.startsWith(at) || at.equals("EHLO") && upper.startsWith("HELO"))) {
                return refuse;
            }
            if (upper.startsWith("EHLO")) {
                return offerStartTls ? "250-hostile.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN"
                        : "250-hostile.test\r\n250 AUTH PLAIN LOGIN";
            }
            if (upper.startsWith("HELO")) {
                return "250 hostile.test";
            }
            if (upper.startsWith("STARTTLS")) {
                return offerStartTls ? "!220 2.0.0 go ahead" : "502 5.5.1 unknown command";
            }
            if (upper.startsWith("AUTH")) {
                return "235 2.7.0 ok";
            }
            if (upper.startsWith("DATA")) {
                return "354 go ahead";
            }
            if (upper.startsWith("QUIT")) {
                return "!221 bye";
            }
            return "250 2.0.0 ok";
        };
    }

    /**
     * IMAP4rev1 with IDLE and UIDPLUS, an INBOX holding {@code exists} messages; {@code refuse}
     * (with the command's tag put in front) answers the command {@code at} (LOGIN, SELECT, FETCH).
     */
    public static Function<String, String> imap(boolean offerStartTls, int exists, String at, String refuse) {
        return new Function<>() {
            private String idleTag;

            @Override
            public String apply(String line) {
                if (idleTag != null && line.equalsIgnoreCase("DONE")) {
                    String tag = idleTag;
                    idleTag = null;
                    return tag + " OK IDLE done";
                }
                String[] words = line.split(" ", 3);
                String tag = words[0];
                String command = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
                if ("UID".equals(command) && words.length > 2) {
                    command = words[2].split(" ", 2)[0].toUpperCase(Locale.ROOT);
                }
                if (at != null && (command.equals(at) || at.equals("SELECT") && command.equals("EXAMINE")
                        || at.equals("LOGIN") && command.equals("AUTHENTICATE"))) {
                    return tag + " " + refuse;
                }
                switch (command) {
                    case "CAPABILITY":
                        return "* CAPABILITY IMAP4rev1 IDLE UIDPLUS" + (offerStartTls ? " STARTTLS" : "")
                                + "\r\n" + tag + " OK done";
                    case "STARTTLS":
                        return offerStartTls ? "!" + tag + " OK begin TLS" : tag + " BAD unknown command";
                    case "SELECT":
                    case "EXAMINE":
                        return "* " + exists + " EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n"
                                + "* OK [UIDNEXT " + (exists + 1) + "] ok\r\n" + tag + " OK [READ-WRITE] selected";
                    case "FETCH":
                        return exists == 0 ? tag + " OK fetched" : "* 1 FETCH (UID 1)\r\n" + tag + " OK fetched";
                    case "IDLE":
                        idleTag = tag;
                        return "+ idling";
                    case "LOGOUT":
                        return "!* BYE\r\n" + tag + " OK bye";
                    default:
                        return tag + " OK done";
                }
            }
        };
    }

    /** POP3 with one message; {@code refuse} answers the command {@code at} (USER, PASS, STAT, UIDL, TOP). */
    public static Function<String, String> pop3(boolean offerStls, String at, String refuse) {
        return line -> {
            String command = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if (command.equals(at)) {
                return refuse;
            }
            switch (command) {
                case "CAPA":
                    return "+OK\r\nUSER\r\nUIDL\r\nTOP\r\n" + (offerStls ? "STLS\r\n" : "") + ".";
                case "STLS":
                    return offerStls ? "!+OK begin TLS" : "-ERR unknown command";
                case "STAT":
                    return "+OK 1 120";
                case "UIDL":
                    return line.contains(" ") ? "+OK 1 hostile-1" : "+OK\r\n1 hostile-1\r\n.";
                case "LIST":
                    return line.contains(" ") ? "+OK 1 120" : "+OK\r\n1 120\r\n.";
                case "TOP":
                    return "+OK\r\nSubject: not a probe\r\nFrom: someone@example.test\r\n\r\n.";
                case "QUIT":
                    return "!+OK bye";
                default:
                    return "+OK";
            }
        };
    }

    /**
     * HTTP/1.1, one request per connection: reads the request (and its body), then runs
     * {@code answer} with the request line.
     */
    public static Step http(Function<String, Step> answer) {
        return c -> {
            String request = c.readLine();
            if (request == null) {
                return;
            }
            int length = 0;
            String header;
            while ((header = c.readLine()) != null && !header.isEmpty()) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            c.skip(length);
            answer.apply(request).run(c);
        };
    }

    /** A whole HTTP response with {@code status} and an HTML body, closing the connection. */
    public static Step httpResponse(int status, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return HostileServer.send("HTTP/1.1 " + status + " Status", "Content-Type: text/html; charset=utf-8",
                "Content-Length: " + bytes.length, "Connection: close", "", body.replace("\r\n", "\n"));
    }

    /** Roundcube's login page, as far as the driver reads it. */
    public static final String LOGIN_PAGE = "<html><body><form><input type=\"hidden\" name=\"_token\" value=\"t0k3n\">"
            + "<input name=\"_user\"><input name=\"_pass\" type=\"password\"></form></body></html>";
}
