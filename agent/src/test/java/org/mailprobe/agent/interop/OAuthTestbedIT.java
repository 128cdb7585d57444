package org.mailprobe.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.interop.TestbedOAuthServer.Introspection;
import org.mailprobe.probes.testing.Testbed;

/**
 * The server side of OAuth 2.0 sign-in on the loopback testbed, with bare JDK sockets and TLS (no
 * mail library, no mailprobe code): Dovecot's oauth2 passdb takes a token from the testbed's
 * authorization server ({@link TestbedOAuthServer}) by SASL XOAUTH2 and OAUTHBEARER on IMAP, POP3
 * and, through Dovecot SASL, Postfix submission after STARTTLS; and refuses a token for another
 * user, an expired token and a garbage token. Fails, never skips, without a testbed.
 */
@Timeout(240)
class OAuthTestbedIT {
    static final int USER = 2;
    static final int OTHER_USER = 3;
    static Testbed bed;
    static TestbedOAuthServer oauth;

    @BeforeAll
    static void testbedAndAuthorizationServer() {
        bed = Testbed.load();
        oauth = TestbedOAuthServer.shared(bed);
    }

    @Test
    void imapTakesATokenFromTheLocalServerByXoauth2() throws Exception {
        String user = bed.user(USER);
        assertAccepted(imap(user, "XOAUTH2", SaslWire.xoauth2(user, oauth.fetch(user))));
    }

    @Test
    void imapTakesATokenFromTheLocalServerByOauthbearer() throws Exception {
        String user = bed.user(USER);
        assertAccepted(imap(user, "OAUTHBEARER",
                SaslWire.oauthbearer(user, bed.host(), bed.port("IMAP_PORT"), oauth.fetch(user))));
    }

    @Test
    void pop3TakesATokenFromTheLocalServerByXoauth2() throws Exception {
        String user = bed.user(USER);
        try (SaslWire pop3 = new SaslWire(bed.get("HOST"), bed.port("POP3_PORT"), bed.host(), bed.caFile())) {
            assertTrue(pop3.line().startsWith("+OK"));
            pop3.send("STLS");
            assertTrue(pop3.line().startsWith("+OK"));
            pop3.startTls();
            pop3.send("CAPA");
            List<String> capa = pop3.until(".");
            assertTrue(capa.stream().anyMatch(l -> l.startsWith("SASL") && l.contains("XOAUTH2")), capa.toString());
            pop3.send("AUTH XOAUTH2 " + SaslWire.xoauth2(user, oauth.fetch(user)));
            String answer = pop3.line();
            assertTrue(answer.startsWith("+OK"), answer);
            pop3.send("QUIT");
        }
    }

    @Test
    void submissionTakesATokenFromTheLocalServerByXoauth2AfterStarttls() throws Exception {
        String user = bed.user(USER);
        assertEquals("235", submission("XOAUTH2", SaslWire.xoauth2(user, oauth.fetch(user))));
    }

    @Test
    void submissionTakesATokenFromTheLocalServerByOauthbearerAfterStarttls() throws Exception {
        String user = bed.user(USER);
        assertEquals("235", submission("OAUTHBEARER",
                SaslWire.oauthbearer(user, bed.host(), bed.port("SUBMISSION_PORT"), oauth.fetch(user))));
    }

    @Test
    void aTokenForAnotherUserIsRefused() throws Exception {
        String user = bed.user(USER);
        String othersToken = oauth.fetch(bed.user(OTHER_USER));
        try {
            assertRefused(imap(user, "XOAUTH2", SaslWire.xoauth2(user, othersToken)));
            // Refused for its user alone: the authorization server found the token itself active.
            assertTrue(introspectionOf(othersToken).active(), "the other user's token should be active");
        } finally {
            clearLoginPenalty();
        }
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String user = bed.user(USER);
        oauth.server().enqueueCallback(oauth.tokens(Duration.ofSeconds(-1)));
        String expired = oauth.fetch(user);
        try {
            assertRefused(imap(user, "XOAUTH2", SaslWire.xoauth2(user, expired)));
            assertFalse(introspectionOf(expired).active());
        } finally {
            clearLoginPenalty();
        }
    }

    @Test
    void aGarbageTokenIsRefused() throws Exception {
        String user = bed.user(USER);
        try {
            assertRefused(imap(user, "XOAUTH2", SaslWire.xoauth2(user, "garbage-" + UUID.randomUUID())));
        } finally {
            clearLoginPenalty();
        }
    }

    /**
     * IMAP on 143: STARTTLS, the mechanism advertised, AUTHENTICATE with an initial response
     * (SASL-IR); answers the server's error challenge as the mechanism says. Returns the tagged
     * answer without its tag.
     */
    private static String imap(String user, String mechanism, String initialResponse) throws IOException {
        try (SaslWire imap = new SaslWire(bed.get("HOST"), bed.port("IMAP_PORT"), bed.host(), bed.caFile())) {
            assertTrue(imap.line().startsWith("* OK"));
            imap.send("a STARTTLS");
            assertTrue(last(imap.until("a ")).startsWith("a OK"));
            imap.startTls();
            imap.send("b CAPABILITY");
            List<String> capability = imap.until("b ");
            assertTrue(String.join(" ", capability).contains("AUTH=" + mechanism), capability.toString());
            imap.send("c AUTHENTICATE " + mechanism + " " + initialResponse);
            String answer = imap.line();
            if (answer.startsWith("+")) {
                imap.send(errorAck(mechanism));
                answer = last(imap.until("c "));
            } else if (!answer.startsWith("c ")) {
                answer = last(imap.until("c "));
            }
            imap.send("d LOGOUT");
            return answer.substring(2);
        }
    }

    /** Postfix on 587: EHLO, STARTTLS, EHLO (the mechanism advertised), AUTH; returns the reply code. */
    private static String submission(String mechanism, String initialResponse) throws IOException {
        try (SaslWire smtp = new SaslWire(bed.get("HOST"), bed.port("SUBMISSION_PORT"), bed.host(), bed.caFile())) {
            assertTrue(last(smtp.smtpReply()).startsWith("220"));
            smtp.send("EHLO interop.test");
            smtp.smtpReply();
            smtp.send("STARTTLS");
            assertTrue(last(smtp.smtpReply()).startsWith("220"));
            smtp.startTls();
            smtp.send("EHLO interop.test");
            List<String> ehlo = smtp.smtpReply();
            assertTrue(ehlo.stream().anyMatch(l -> l.substring(4).startsWith("AUTH") && l.contains(mechanism)),
                    ehlo.toString());
            smtp.send("AUTH " + mechanism + " " + initialResponse);
            String answer = last(smtp.smtpReply());
            if (answer.startsWith("334")) {
                smtp.send(errorAck(mechanism));
                answer = last(smtp.smtpReply());
            }
            smtp.send("QUIT");
            return answer.substring(0, 3);
        }
    }

    private static void assertAccepted(String imapAnswer) {
        assertTrue(imapAnswer.startsWith("OK "), imapAnswer);
    }

    /** Refused as a bad credential, not a temporary failure of the authorization server ([UNAVAILABLE]). */
    private static void assertRefused(String imapAnswer) {
        assertTrue(imapAnswer.startsWith("NO [AUTHENTICATIONFAILED]"), imapAnswer);
    }

    private static String errorAck(String mechanism) {
        return "OAUTHBEARER".equals(mechanism) ? SaslWire.OAUTHBEARER_ERROR_ACK : "";
    }

    private static Introspection introspectionOf(String token) {
        return oauth.introspections().stream().filter(i -> i.token().equals(token)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("Dovecot never asked the authorization server about the token"));
    }

    /**
     * Dovecot delays every login from an address after a failed one (2 s, doubling to 15 s), and
     * all loopback clients share 127.0.0.1: a successful login ends the penalty for the tests after.
     */
    private static void clearLoginPenalty() throws Exception {
        String user = bed.user(USER);
        assertAccepted(imap(user, "XOAUTH2", SaslWire.xoauth2(user, oauth.fetch(user))));
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }
}
