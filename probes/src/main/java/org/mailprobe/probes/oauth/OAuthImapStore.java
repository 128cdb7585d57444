package org.mailprobe.probes.oauth;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.OAuthMechanism;

/**
 * Angus Mail's IMAP store signing in with an OAuth 2.0 token only. Its own login tries the
 * configured mechanisms and, when the server offers none of them, falls back to LOGIN with the
 * "password" (here the token); so the sign-in is done in {@link #preLogin}, which Angus calls on
 * every new connection after STARTTLS and before its own login, and which skips that login once
 * authenticated. XOAUTH2 is Angus's; OAUTHBEARER runs through its SASL support.
 */
public final class OAuthImapStore extends IMAPStore {
    private final OAuthMechanism mechanism;
    private volatile @Nullable String user;
    private volatile @Nullable String token;

    public OAuthImapStore(Session session, boolean implicitTls, OAuthMechanism mechanism) {
        super(session, null, implicitTls ? "imaps" : "imap", implicitTls);
        this.mechanism = mechanism;
        if (mechanism != OAuthMechanism.XOAUTH2) {
            OAuthSasl.install();
        }
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        this.user = user;
        this.token = password;
        return super.protocolConnect(host, port, user, password);
    }

    @Override
    protected void preLogin(IMAPProtocol p) throws ProtocolException {
        String chosen = OAuthSasl.choose(mechanism, p.hasCapability("AUTH=" + OAuthSasl.OAUTHBEARER),
                p.hasCapability("AUTH=" + OAuthSasl.XOAUTH2));
        if (chosen == null) {
            throw new OAuthSasl.MechanismNotOfferedException(OAuthSasl.notOffered(mechanism));
        }
        if (chosen.equals(OAuthSasl.XOAUTH2)) {
            p.authoauth2(user, token);
        } else {
            p.sasllogin(new String[] {OAuthSasl.OAUTHBEARER}, null, null, user, token);
        }
        if (!p.isAuthenticated()) {
            // sasllogin gives up silently when it cannot run at all; never let Angus go on to LOGIN.
            throw new OAuthSasl.MechanismNotOfferedException(chosen + " sign-in could not be run");
        }
    }
}
