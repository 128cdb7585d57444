package org.mailprobe.probes;

import static org.mailprobe.probes.FaultMatrixTest.FLOOD_RATE;
import static org.mailprobe.probes.FaultMatrixTest.GREETING_IMAP;
import static org.mailprobe.probes.FaultMatrixTest.GREETING_POP3;
import static org.mailprobe.probes.FaultMatrixTest.GREETING_SMTP;
import static org.mailprobe.probes.testing.HostileDialects.LOGIN_PAGE;
import static org.mailprobe.probes.testing.HostileDialects.http;
import static org.mailprobe.probes.testing.HostileDialects.httpResponse;
import static org.mailprobe.probes.testing.HostileServer.all;
import static org.mailprobe.probes.testing.HostileServer.awaitInput;
import static org.mailprobe.probes.testing.HostileServer.converse;
import static org.mailprobe.probes.testing.HostileServer.drop;
import static org.mailprobe.probes.testing.HostileServer.endlessAnswer;
import static org.mailprobe.probes.testing.HostileServer.endlessLine;
import static org.mailprobe.probes.testing.HostileServer.expect;
import static org.mailprobe.probes.testing.HostileServer.hugeLiteral;
import static org.mailprobe.probes.testing.HostileServer.send;
import static org.mailprobe.probes.testing.HostileServer.stall;
import static org.mailprobe.probes.testing.HostileServer.startTls;
import static org.mailprobe.probes.testing.HostileServer.trickle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.mailprobe.probes.FaultMatrix.Fault;
import org.mailprobe.probes.FaultMatrix.Target;
import org.mailprobe.probes.testing.HostileDialects;
import org.mailprobe.probes.testing.HostileServer;
import org.mailprobe.probes.testing.TestCa;

/** The hostile server each cell of the {@link FaultMatrix} meets: one script per protocol and fault. */
final class FaultMatrixServers {
    private FaultMatrixServers() {}

    /** The hostile server a cell needs, or null for a refused connection. */
    static HostileServer server(Target t, Fault f) throws IOException {
        if (t.smtp()) {
            return smtpServer(t, f);
        }
        if (t.imap()) {
            return imapServer(f);
        }
        if (t.pop3()) {
            return pop3Server(f);
        }
        return webmailServer(f);
    }

    static HostileServer smtpServer(Target t, Fault f) throws IOException {
        String later = "451 4.3.0 hostile says later";
        String no = "554 5.7.1 hostile says no";
        switch (f) {
            case SILENT_AFTER_CONNECT:
                return HostileServer.plain(stall());
            case SILENT_AFTER_GREETING:
                return HostileServer.plain(send(GREETING_SMTP), stall());
            case ONE_BYTE_PER_SECOND:
                return HostileServer.plain(trickle(GREETING_SMTP, 1), stall());
            case ENDLESS_LINE:
                return HostileServer.plain(endlessLine("220 ", FLOOD_RATE));
            case HUGE_ANSWER:
                return HostileServer.plain(send(GREETING_SMTP), expect("EHLO"),
                        endlessAnswer("250-hostile.test", "250-" + "x".repeat(70), FLOOD_RATE));
            case DROP_MID_DATA:
                return HostileServer.plain(send(GREETING_SMTP), converse(HostileDialects.smtp(false, "DATA",
                        "!354 go ahead")), expect(""), drop());
            case TLS_HANDSHAKE:
                return HostileServer.plain(send(GREETING_SMTP), converse(HostileDialects.smtp(true, null, null)),
                        awaitInput(), send("this is not TLS at all, sorry"), stall());
            case UNTRUSTED_CERTIFICATE:
            case WRONG_HOST_NAME:
            case EXPIRED_CERTIFICATE:
                return HostileServer.plain(send(GREETING_SMTP), converse(HostileDialects.smtp(true, null, null)),
                        startTls(certificate(f)), converse(HostileDialects.smtp(false, null, null)));
            case STARTTLS_NOT_OFFERED:
                return smtp(false, null, null);
            case STARTTLS_REFUSED:
            case STARTTLS_4XX:
                return smtp(true, "STARTTLS", "454 4.7.0 TLS not available now");
            case STARTTLS_5XX:
                return smtp(true, "STARTTLS", "502 5.5.1 no STARTTLS here");
            case GREETING_4XX:
                return HostileServer.plain(send("421 4.3.2 hostile.test not now"), stall());
            case GREETING_5XX:
                return HostileServer.plain(send("554 5.3.2 hostile.test no service"), stall());
            case EHLO_4XX:
                return smtp(false, "EHLO", later);
            case EHLO_5XX:
                return smtp(false, "EHLO", no);
            case AUTH_4XX:
                return smtp(false, "AUTH", "454 4.7.0 temporary authentication failure");
            case AUTH_5XX:
                return smtp(false, "AUTH", "535 5.7.8 authentication credentials invalid");
            case MAIL_4XX:
                return smtp(false, "MAIL", later);
            case MAIL_5XX:
                return smtp(false, "MAIL", no);
            case RCPT_4XX:
                return smtp(false, "RCPT", later);
            case RCPT_5XX:
                return smtp(false, "RCPT", no);
            case DATA_4XX:
                return smtp(false, "DATA", later);
            case DATA_5XX:
                return smtp(false, "DATA", no);
            case EOD_4XX:
                return smtp(false, ".", later);
            case EOD_5XX:
                return smtp(false, ".", no);
            default:
                throw new IllegalArgumentException("no SMTP server for " + f);
        }
    }

    static HostileServer smtp(boolean offerStartTls, String at, String refuse) throws IOException {
        return HostileServer.plain(send(GREETING_SMTP), converse(HostileDialects.smtp(offerStartTls, at, refuse)));
    }

    static HostileServer imapServer(Fault f) throws IOException {
        switch (f) {
            case SILENT_AFTER_CONNECT:
                return HostileServer.plain(stall());
            case SILENT_AFTER_GREETING:
                return HostileServer.plain(send(GREETING_IMAP), stall());
            case ONE_BYTE_PER_SECOND:
                return HostileServer.plain(trickle(GREETING_IMAP, 1), stall());
            case ENDLESS_LINE:
                return HostileServer.plain(endlessLine("* OK ", FLOOD_RATE));
            case HUGE_ANSWER:
                // Issue 11: a greeting announcing a 1.9 GB literal, then the literal at 4 MiB/s.
                return HostileServer.plain(hugeLiteral("* OK", 1_900_000_000L, FLOOD_RATE));
            case DROP_MID_IDLE:
                Function<String, String> imap = HostileDialects.imap(false, 0, null, null);
                return HostileServer.plain(send(GREETING_IMAP), converse(line ->
                        line.toUpperCase(java.util.Locale.ROOT).endsWith(" IDLE") ? "!+ idling" : imap.apply(line)),
                        drop());
            case TLS_HANDSHAKE:
                return HostileServer.plain(send(GREETING_IMAP), converse(HostileDialects.imap(true, 0, null, null)),
                        awaitInput(), send("this is not TLS at all, sorry"), stall());
            case UNTRUSTED_CERTIFICATE:
            case WRONG_HOST_NAME:
            case EXPIRED_CERTIFICATE:
                return HostileServer.plain(send(GREETING_IMAP), converse(HostileDialects.imap(true, 0, null, null)),
                        startTls(certificate(f)), converse(HostileDialects.imap(false, 0, null, null)));
            case STARTTLS_NOT_OFFERED:
                return imap(false, 0, null, null);
            case STARTTLS_REFUSED:
                return imap(true, 0, "STARTTLS", "NO TLS not available now");
            case GREETING_4XX:
                return HostileServer.plain(send("* BYE [UNAVAILABLE] hostile IMAP busy, try later"), stall());
            case GREETING_5XX:
                return HostileServer.plain(send("* BAD hostile IMAP says no"), stall());
            case LOGIN_NO:
                return imap(false, 0, "LOGIN", "NO [AUTHENTICATIONFAILED] no");
            case LOGIN_BAD:
                return imap(false, 0, "LOGIN", "BAD no");
            case SELECT_NO:
                return imap(false, 0, "SELECT", "NO [NONEXISTENT] no");
            case SELECT_BAD:
                return imap(false, 0, "SELECT", "BAD no");
            case FETCH_NO:
                return imap(false, 1, "FETCH", "NO no");
            case FETCH_BAD:
                return imap(false, 1, "FETCH", "BAD no");
            default:
                throw new IllegalArgumentException("no IMAP server for " + f);
        }
    }

    static HostileServer imap(boolean offerStartTls, int exists, String at, String refuse) throws IOException {
        return HostileServer.plain(send(GREETING_IMAP),
                converse(HostileDialects.imap(offerStartTls, exists, at, refuse)));
    }

    static HostileServer pop3Server(Fault f) throws IOException {
        switch (f) {
            case SILENT_AFTER_CONNECT:
                return HostileServer.plain(stall());
            case SILENT_AFTER_GREETING:
                return HostileServer.plain(send(GREETING_POP3), stall());
            case ONE_BYTE_PER_SECOND:
                return HostileServer.plain(trickle(GREETING_POP3, 1), stall());
            case ENDLESS_LINE:
                return HostileServer.plain(endlessLine("+OK ", FLOOD_RATE));
            case HUGE_ANSWER:
                // An endless TOP answer (issue 11): header lines that never end with the final dot.
                return HostileServer.plain(send(GREETING_POP3), converse(HostileDialects.pop3(false, "TOP", "!+OK")),
                        endlessAnswer("X-Hostile: start", "X-Hostile: " + "x".repeat(70), FLOOD_RATE));
            case TLS_HANDSHAKE:
                return HostileServer.plain(send(GREETING_POP3), converse(HostileDialects.pop3(true, null, null)),
                        awaitInput(), send("this is not TLS at all, sorry"), stall());
            case UNTRUSTED_CERTIFICATE:
            case WRONG_HOST_NAME:
            case EXPIRED_CERTIFICATE:
                return HostileServer.plain(send(GREETING_POP3), converse(HostileDialects.pop3(true, null, null)),
                        startTls(certificate(f)), converse(HostileDialects.pop3(false, null, null)));
            case STARTTLS_NOT_OFFERED:
                return pop3(false, null, null);
            case STARTTLS_REFUSED:
                return pop3(true, "STLS", "-ERR TLS not available now");
            case GREETING_4XX:
                return HostileServer.plain(send("-ERR hostile POP3 busy, try later"), stall());
            case USER_ERR:
                return pop3(false, "USER", "-ERR no");
            case PASS_ERR:
                return pop3(false, "PASS", "-ERR [AUTH] no");
            case STAT_ERR:
                return pop3(false, "STAT", "-ERR no");
            case UIDL_ERR:
                return pop3(false, "UIDL", "-ERR no");
            case TOP_ERR:
                return pop3(false, "TOP", "-ERR no");
            default:
                throw new IllegalArgumentException("no POP3 server for " + f);
        }
    }

    static HostileServer pop3(boolean offerStls, String at, String refuse) throws IOException {
        return HostileServer.plain(send(GREETING_POP3), converse(HostileDialects.pop3(offerStls, at, refuse)));
    }

    static HostileServer webmailServer(Fault f) throws IOException {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/html";
        switch (f) {
            case SILENT_AFTER_CONNECT:
                return HostileServer.plain(stall());
            case ONE_BYTE_PER_SECOND:
                return HostileServer.plain(http(request -> trickle(head + "\r\nContent-Length: 10\r\n\r\n0123456789",
                        1)), stall());
            case ENDLESS_LINE:
                return HostileServer.plain(http(request -> endlessLine(head + "\r\nX-Hostile: ", FLOOD_RATE)));
            case HUGE_ANSWER:
                return HostileServer.plain(http(request -> all(send(head, "Content-Length: 1900000000", ""),
                        endlessLine("<html>", FLOOD_RATE))));
            case TLS_HANDSHAKE:
                return HostileServer.plain(awaitInput(), send("this is not TLS at all, sorry"), stall());
            case UNTRUSTED_CERTIFICATE:
            case WRONG_HOST_NAME:
            case EXPIRED_CERTIFICATE:
                return HostileServer.implicitTls(certificate(f), http(request -> httpResponse(200, LOGIN_PAGE)));
            case GREETING_4XX:
                return HostileServer.plain(http(request -> httpResponse(404, "no")));
            case GREETING_5XX:
                return HostileServer.plain(http(request -> httpResponse(503, "no")));
            case AUTH_4XX:
                return HostileServer.plain(http(request -> request.startsWith("GET")
                        ? httpResponse(200, LOGIN_PAGE) : httpResponse(403, "no")));
            case AUTH_5XX:
                return HostileServer.plain(http(request -> request.startsWith("GET")
                        ? httpResponse(200, LOGIN_PAGE) : httpResponse(503, "no")));
            default:
                throw new IllegalArgumentException("no webmail server for " + f);
        }
    }

    static SSLContext certificate(Fault f) {
        TestCa ca = TestCa.get();
        Path store = f == Fault.WRONG_HOST_NAME ? ca.wrongHostKeyStore()
                : f == Fault.EXPIRED_CERTIFICATE ? ca.expiredKeyStore() : ca.untrustedKeyStore();
        return ServerTls.fromPkcs12(store, Secret.of(TestCa.PASSWORD));
    }
}
