package org.mailprobe.probes.oauth;

import jakarta.mail.AuthenticationFailedException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslClientFactory;
import javax.security.sasl.SaslException;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ClassifiedFailure;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.internal.FailureClassifier;

/**
 * The SASL side of an OAuth 2.0 sign-in: the two mechanisms' client messages, which one to use
 * given what the server advertises, and the Angus Mail properties that make it speak them.
 *
 * <p>Angus Mail has {@code XOAUTH2} built in for SMTP, IMAP and POP3, and no {@code OAUTHBEARER}.
 * For SMTP and IMAP it runs any mechanism the JDK's SASL framework knows, so OAUTHBEARER is a
 * {@link SaslClient} registered once as a security provider. Its POP3 client has no SASL framework
 * and no way to add a mechanism, so a POP3 watcher signs in with XOAUTH2 only.
 */
public final class OAuthSasl {
    public static final String XOAUTH2 = "XOAUTH2";
    public static final String OAUTHBEARER = "OAUTHBEARER";
    /** Angus Mail's words when no configured mechanism is offered by the server (SMTP and POP3). */
    private static final String NONE_IN_COMMON = "No authentication mechanisms supported by both server and client";

    private OAuthSasl() {}

    /** Google's XOAUTH2 initial response: {@code user=U^Aauth=Bearer T^A^A}. */
    public static byte[] xoauth2(String user, Secret token) {
        return ("user=" + user + "\u0001auth=Bearer " + token.reveal() + "\u0001\u0001").getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 7628 3.1 initial client response: a GS2 header naming the user, then {@code auth=Bearer T}. */
    public static byte[] oauthBearer(String user, Secret token) {
        String authzid = user.replace("=", "=3D").replace(",", "=2C"); // RFC 5801 saslname
        return ("n,a=" + authzid + ",\u0001auth=Bearer " + token.reveal() + "\u0001\u0001")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 7628 3.2.3: the client's answer to the server's error challenge, so the server can end with a failure. */
    public static byte[] errorAcknowledgement() {
        return new byte[] {0x01};
    }

    /** The mechanism to use, or null if the server offers none that {@code mechanism} allows. */
    public static @Nullable String choose(OAuthMechanism mechanism, boolean offersOAuthBearer, boolean offersXOAuth2) {
        switch (mechanism) {
            case XOAUTH2:
                return offersXOAuth2 ? XOAUTH2 : null;
            case OAUTHBEARER:
                return offersOAuthBearer ? OAUTHBEARER : null;
            case AUTO:
            default:
                return offersOAuthBearer ? OAUTHBEARER : offersXOAuth2 ? XOAUTH2 : null;
        }
    }

    /** What is said when the server offers no mechanism we may use. */
    public static String notOffered(OAuthMechanism mechanism) {
        return "the server offers no " + (mechanism == OAuthMechanism.AUTO ? "OAUTHBEARER or XOAUTH2"
                : mechanism.name()) + " sign-in";
    }

    /**
     * Sets Angus Mail's properties for an OAuth sign-in on {@code protocol} ({@code smtp}, {@code smtps},
     * {@code pop3}, {@code pop3s}); the password handed to connect is then the token. Only the OAuth
     * mechanisms are listed, so no password mechanism is ever tried. IMAP signs in through
     * {@link OAuthImapStore} instead, because Angus's IMAP falls back to LOGIN when no listed mechanism is offered.
     */
    public static void configure(Properties props, String protocol, OAuthMechanism mechanism) {
        String k = "mail." + protocol + ".";
        if (protocol.startsWith("pop3")) {
            if (mechanism == OAuthMechanism.OAUTHBEARER) {
                throw new IllegalArgumentException("POP3 can sign in with XOAUTH2 only (Angus Mail's POP3 client has "
                        + "no OAUTHBEARER); use mechanism xoauth2 or auto");
            }
            props.setProperty(k + "auth.mechanisms", XOAUTH2);
            return;
        }
        props.setProperty(k + "auth.mechanisms", mechanism == OAuthMechanism.OAUTHBEARER ? OAUTHBEARER : XOAUTH2);
        if (mechanism != OAuthMechanism.XOAUTH2) {
            install();
            // Tried first when the server advertises it; otherwise Angus goes on to auth.mechanisms.
            props.setProperty(k + "sasl.enable", "true");
            props.setProperty(k + "sasl.mechanisms", OAUTHBEARER);
        }
    }

    /**
     * True if {@code failure} is the server refusing a token it was given, as opposed to offering no
     * mechanism we may use (then a fresh token would change nothing).
     */
    public static boolean tokenRefused(Throwable failure) {
        if (FailureClassifier.classify(failure) != Reason.AUTH) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MechanismNotOfferedException
                    || (t instanceof AuthenticationFailedException && String.valueOf(t.getMessage()).contains(NONE_IN_COMMON))) {
                return false;
            }
        }
        return true;
    }

    /** Registers the OAUTHBEARER SASL client with the JDK once per process. */
    static synchronized void install() {
        if (Security.getProvider(SaslProvider.NAME) == null) {
            Security.addProvider(new SaslProvider());
        }
    }

    /** The server does not offer the mechanism the account may use. */
    static final class MechanismNotOfferedException extends org.eclipse.angus.mail.iap.ProtocolException
            implements ClassifiedFailure {
        private static final long serialVersionUID = 1L;

        MechanismNotOfferedException(String message) {
            super(message);
        }

        /** The server offers no mechanism we may use: a sign-in refused before it began. */
        @Override
        public Reason reason() {
            return Reason.AUTH;
        }
    }

    /** Makes {@link Sasl#createSaslClient} find {@link BearerClientFactory} for OAUTHBEARER. */
    static final class SaslProvider extends Provider {
        private static final long serialVersionUID = 1L;
        static final String NAME = "mailprobe-oauthbearer";

        SaslProvider() {
            super(NAME, "1.0", "OAUTHBEARER SASL client (RFC 7628)");
            put("SaslClientFactory." + OAUTHBEARER, BearerClientFactory.class.getName());
        }
    }

    /** Instantiated by the JDK's SASL framework through {@link SaslProvider}. */
    public static final class BearerClientFactory implements SaslClientFactory {
        public BearerClientFactory() {
            // for the security provider
        }

        @Override
        public @Nullable SaslClient createSaslClient(String[] mechanisms, String authorizationId, String protocol,
                String serverName, Map<String, ?> props, CallbackHandler cbh) throws SaslException {
            for (String m : mechanisms) {
                if (OAUTHBEARER.equals(m)) {
                    return new BearerClient(cbh);
                }
            }
            return null;
        }

        @Override
        public String[] getMechanismNames(Map<String, ?> props) {
            return new String[] {OAUTHBEARER};
        }
    }

    /**
     * RFC 7628 OAUTHBEARER: the user and token come from Angus Mail's callbacks (the token as the
     * password). A non-empty challenge after the initial response is the server's error (3.2.2),
     * answered with a single %x01 so the server sends its final failure.
     */
    static final class BearerClient implements SaslClient {
        private final CallbackHandler callbacks;
        private boolean sentInitial;
        private boolean complete;

        BearerClient(CallbackHandler callbacks) {
            this.callbacks = callbacks;
        }

        @Override
        public String getMechanismName() {
            return OAUTHBEARER;
        }

        @Override
        public boolean hasInitialResponse() {
            return true;
        }

        @Override
        public byte[] evaluateChallenge(byte[] challenge) throws SaslException {
            if (!sentInitial) {
                sentInitial = true;
                NameCallback name = new NameCallback("user");
                PasswordCallback token = new PasswordCallback("token", false);
                try {
                    callbacks.handle(new Callback[] {name, token});
                } catch (UnsupportedCallbackException | java.io.IOException e) {
                    throw new SaslException("cannot get the user and token: " + e.getClass().getSimpleName());
                }
                char[] value = token.getPassword();
                token.clearPassword();
                if (name.getName() == null || value == null) {
                    throw new SaslException("no user or token for OAUTHBEARER");
                }
                return oauthBearer(name.getName(), Secret.of(new String(value)));
            }
            complete = true;
            return errorAcknowledgement();
        }

        @Override
        public boolean isComplete() {
            return complete;
        }

        @Override
        public byte[] unwrap(byte[] incoming, int offset, int len) throws SaslException {
            throw new IllegalStateException("OAUTHBEARER has no security layer");
        }

        @Override
        public byte[] wrap(byte[] outgoing, int offset, int len) throws SaslException {
            throw new IllegalStateException("OAUTHBEARER has no security layer");
        }

        @Override
        public @Nullable Object getNegotiatedProperty(String propName) {
            if (!complete) {
                throw new IllegalStateException("OAUTHBEARER exchange not complete");
            }
            return null;
        }

        @Override
        public void dispose() {
            // nothing held
        }
    }
}
