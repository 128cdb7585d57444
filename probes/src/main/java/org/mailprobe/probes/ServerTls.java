package org.mailprobe.probes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A server's own certificate (the sink's STARTTLS, the agent's HTTPS endpoint), as an
 * {@link SSLContext}: from a PKCS#12 key store, or from PEM files as certbot and most CAs hand them
 * out (the chain, and an unencrypted PKCS#8 {@code BEGIN PRIVATE KEY}, read by {@link PemFiles}).
 * Errors name the file, never the password or the key.
 */
public final class ServerTls {
    private ServerTls() {}

    /** The key store's (first) key entry; {@code password} protects both the store and the key. */
    public static SSLContext fromPkcs12(Path keyStore, Secret password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            char[] pass = password.reveal().toCharArray();
            store.load(in, pass);
            return context(store, pass, null);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use key store " + keyStore + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    /** A certificate chain (leaf first) and its unencrypted PKCS#8 private key, both PEM. */
    public static SSLContext fromPem(Path chainPem, Path keyPem) {
        return fromPem(chainPem, keyPem, null);
    }

    /**
     * As {@link #fromPem(Path, Path)}, also trusting the CA certificates in {@code clientCaPem}
     * for client certificates (null: the JDK's trust store).
     */
    public static SSLContext fromPem(Path chainPem, Path keyPem, @Nullable Path clientCaPem) {
        List<Certificate> chain = PemFiles.certificates(chainPem, "certificate file");
        PrivateKey key = PemFiles.privateKey(keyPem);
        PemFiles.checkMatch(key, keyPem, chain.get(0), chainPem);
        List<Certificate> clientCas = clientCaPem == null ? List.of() : PemFiles.certificates(clientCaPem, "client CA file");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] pass = new char[0];
            store.setKeyEntry("server", key, pass, chain.toArray(new Certificate[0]));
            TrustManager[] trust = null;
            if (clientCaPem != null) {
                KeyStore cas = KeyStore.getInstance("PKCS12");
                cas.load(null, null);
                for (int i = 0; i < clientCas.size(); i++) {
                    cas.setCertificateEntry("client-ca-" + i, clientCas.get(i));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(cas);
                trust = factory.getTrustManagers();
            }
            return context(store, pass, trust);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the key in " + keyPem + " with the certificate in " + chainPem
                    + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext context(KeyStore store, char[] pass, TrustManager @Nullable [] trust)
            throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, pass);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust, null);
        return context;
    }
}
