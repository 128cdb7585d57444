package org.mailprobe.probes.internal;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ClassifiedFailure;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.TokenException;

/**
 * The one place where exceptions become {@link Reason}s. Walks the cause chain, because Angus Mail
 * wraps the interesting exception (a certificate failure, a refused connection) in a generic
 * {@link MessagingException}.
 */
public final class FailureClassifier {
    private FailureClassifier() {}

    public static Reason classify(Throwable failure) {
        if (failure == null) {
            return Reason.INTERNAL;
        }
        // No token: the mail server was not asked, whatever the token endpoint's own failure was
        // (a timeout there is the endpoint's, not the mail server's).
        if (tokenFailure(failure) != null) {
            return Reason.TOKEN;
        }
        // A certificate the policy rejects is that, however Angus Mail wraps it: its IMAP and POP3
        // STARTTLS put the handshake's failure under a "STARTTLS failure" MessagingException.
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isCertificateProblem(t)) {
                return Reason.CERTIFICATE;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ReplyTooLongException || t instanceof java.net.ProtocolException) {
                // Our bound on a reply, or the JDK HTTP client's on a header: the server broke the protocol.
                return Reason.PROTOCOL;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // A handshake that failed is TLS's, even under Angus Mail's "STARTTLS failure" wrapper.
            if (t instanceof SSLException) {
                return Reason.TLS;
            }
        }
        Reason lost = fromLostCause(failure);
        if (lost != null) {
            return lost;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Reason r = direct(t);
            if (r != null) {
                return r;
            }
        }
        if (failure instanceof MessagingException) {
            return Reason.PROTOCOL;
        }
        return Reason.INTERNAL;
    }

    /**
     * A failure on a connection where we sent STARTTLS (with STARTTLS required) and no TLS was
     * layered after it. Angus Mail sends no credentials before TLS then, so a refusal here is the
     * server refusing STARTTLS, not our login: Angus's IMAP store turns that tagged NO into an
     * {@link AuthenticationFailedException} carrying only the server's text, and a BAD into a
     * {@link MessagingException} over the protocol's {@link BadCommandException}. Anything else (a
     * timeout, a dropped connection) keeps its own reason.
     */
    public static Reason classifyWithoutTlsAfterStartTls(Throwable failure) {
        Reason reason = classify(failure);
        if (reason == Reason.AUTH) {
            return Reason.STARTTLS;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (reason == Reason.PROTOCOL && t instanceof BadCommandException) {
                return Reason.STARTTLS;
            }
        }
        return reason;
    }

    private static @Nullable Reason direct(Throwable t) {
        if (t instanceof DeadlineExceededException || t instanceof SocketTimeoutException
                || t instanceof HttpTimeoutException) {
            return Reason.TIMEOUT;
        }
        if (t instanceof ReplyTooLongException) {
            return Reason.PROTOCOL;
        }
        if (t instanceof ClassifiedFailure) {
            return ((ClassifiedFailure) t).reason();
        }
        if (t instanceof UnknownHostException) {
            return Reason.DNS;
        }
        if (t instanceof AuthenticationFailedException) {
            return Reason.AUTH;
        }
        if (t instanceof SMTPSendFailedException) {
            return isReply(((SMTPSendFailedException) t).getReturnCode()) ? Reason.REJECTED : Reason.PROTOCOL;
        }
        if (t instanceof SMTPAddressFailedException) {
            return isReply(((SMTPAddressFailedException) t).getReturnCode()) ? Reason.REJECTED : Reason.PROTOCOL;
        }
        if (t instanceof SendFailedException && t.getCause() == null
                && ((SendFailedException) t).getNextException() == null) {
            return Reason.REJECTED;
        }
        if (isCertificateProblem(t)) {
            return Reason.CERTIFICATE;
        }
        if (t instanceof SSLException) {
            return Reason.TLS;
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof SocketConnectException || t instanceof MailConnectException) {
            return Reason.CONNECT;
        }
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (t instanceof MessagingException && message.contains("starttls")) {
            return Reason.STARTTLS;
        }
        if (t instanceof InterruptedIOException) {
            return Reason.TIMEOUT;
        }
        if (t instanceof EOFException || t instanceof SocketException) {
            return Reason.PROTOCOL;
        }
        return null;
    }

    /**
     * Angus Mail drops the cause in two places and keeps only its message: POP3 turns a failure
     * before login (a greeting that never came, STLS missing or refused) into an
     * {@link AuthenticationFailedException} carrying that message, and IMAP turns a read failure
     * into a synthetic {@code * BYE} response quoting the exception. Their text is all there is.
     */
    private static @Nullable Reason fromLostCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof AuthenticationFailedException) {
                if (m.contains("Read timed out")) {
                    return Reason.TIMEOUT;
                }
                if (m.startsWith("STLS required")) {
                    return Reason.STARTTLS;
                }
            }
            if (t instanceof org.eclipse.angus.mail.iap.ConnectionException
                    && m.contains("Jakarta Mail Exception: java.net.SocketTimeoutException")) {
                return Reason.TIMEOUT;
            }
        }
        return null;
    }

    private static @Nullable TokenException tokenFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TokenException) {
                return (TokenException) t;
            }
        }
        return null;
    }

    /** A 4xx or 5xx reply; Angus Mail reports a connection closed mid-reply as -1 ("[EOF]"). */
    private static boolean isReply(int code) {
        return code >= 400 && code < 600;
    }

    private static boolean isCertificateProblem(Throwable t) {
        if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
            return true;
        }
        if (t instanceof SSLHandshakeException) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            return m.contains("certificat") || m.contains("pkix") || m.contains("subject alternative")
                    || m.contains("no name matching");
        }
        if (t instanceof java.io.IOException) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            // Angus Mail's own host name check: "Unable to check server identity for: host"
            return m.contains("server identity") || m.contains("server is not trusted");
        }
        return false;
    }

    /**
     * A short, secret-free description for humans: the class of the innermost cause and its
     * message with anything after "password" or "auth" removed. Never used as a label.
     */
    public static String describe(Throwable failure) {
        TokenException token = tokenFailure(failure);
        if (token != null) {
            // Its message is written to be safe; its causes are the HTTP client's and add nothing.
            return Objects.requireNonNullElse(token.getMessage(), "TokenException");
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (root != failure && root.getMessage() != null) {
            message = message + ": " + root.getMessage();
        }
        message = message.replaceAll("(?i)(pass(word)?|auth\\w*|secret)\\s*[=:]\\s*\\S+", "$1=****");
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return root.getClass().getSimpleName() + ": " + message.replace('\n', ' ').replace('\r', ' ');
    }
}
