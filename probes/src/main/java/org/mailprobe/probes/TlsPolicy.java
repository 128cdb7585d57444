package org.mailprobe.probes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which servers' certificates we trust. By default the JDK's trust store and a host name check;
 * a private CA (PEM file) can be trusted in addition; verification can be switched off only by
 * {@link #insecure()}, which is logged loudly every time a socket factory is built from it.
 */
public final class TlsPolicy {
    private static final Logger logger = LoggerFactory.getLogger(TlsPolicy.class);

    private final @Nullable Path caFile;
    private final boolean insecure;
    private final SSLContext context;

    private TlsPolicy(@Nullable Path caFile, boolean insecure, SSLContext context) {
        this.caFile = caFile;
        this.insecure = insecure;
        this.context = context;
    }

    /** Verify against the JDK's default trust store, host name included. */
    public static TlsPolicy verified() {
        try {
            return new TlsPolicy(null, false, SSLContext.getDefault());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }

    /**
     * Verify against the JDK's trust store plus the CA certificates in a PEM file.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public static TlsPolicy trusting(Path caPemFile) {
        try {
            return new TlsPolicy(caPemFile, false, contextTrusting(caPemFile));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot use CA file " + caPemFile + ": " + e.getMessage(), e);
        }
    }

    /** No certificate or host name check at all. For a lab only; logged at WARN. */
    public static TlsPolicy insecure() {
        logger.warn("TLS verification is OFF (insecure: true): any server certificate is accepted. "
                + "Never use this against a production provider.");
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, null);
            return new TlsPolicy(null, true, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }

    public boolean isInsecure() {
        return insecure;
    }

    /** The CA file trusted in addition to the JDK's, or null. */
    public @Nullable Path caFile() {
        return caFile;
    }

    public SSLSocketFactory socketFactory() {
        return context.getSocketFactory();
    }

    /**
     * The same trust as an {@link SSLContext}, for {@code java.net.http.HttpClient} (webmail). The
     * client checks the host name itself unless the policy is {@link #insecure()}.
     */
    public SSLContext sslContext() {
        return context;
    }

    private static SSLContext contextTrusting(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate found in the file");
        }
        int i = 0;
        for (Certificate cert : certs) {
            store.setCertificateEntry("private-ca-" + i++, cert);
        }
        // The JDK's own roots stay trusted: a private CA is added, not substituted.
        TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        TrustManagerFactory privateCa = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        privateCa.init(store);
        X509TrustManager combined = new EitherTrustManager(
                firstX509(defaults.getTrustManagers()), firstX509(privateCa.getTrustManagers()));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {combined}, null);
        return context;
    }

    private static X509TrustManager firstX509(TrustManager[] managers) throws GeneralSecurityException {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager) {
                return (X509TrustManager) m;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    @Override
    public String toString() {
        return insecure ? "insecure" : caFile == null ? "verified" : "verified+ca:" + caFile;
    }

    /** Trusts a chain that either of two managers trusts. */
    private static final class EitherTrustManager implements X509TrustManager {
        private final X509TrustManager first;
        private final X509TrustManager second;

        EitherTrustManager(X509TrustManager first, X509TrustManager second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            first.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            try {
                second.checkServerTrusted(chain, authType);
            } catch (java.security.cert.CertificateException privateCaSaysNo) {
                first.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = first.getAcceptedIssuers();
            X509Certificate[] b = second.getAcceptedIssuers();
            X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }

    /**
     * Extended, because the JDK wraps a plain X509TrustManager in one that checks the host name
     * anyway (the HTTP client asks for HTTPS endpoint identification); insecure means no check.
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // insecure by explicit request
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // insecure by explicit request
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            // insecure by explicit request
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            // insecure by explicit request
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
            // insecure by explicit request
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
            // insecure by explicit request
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
