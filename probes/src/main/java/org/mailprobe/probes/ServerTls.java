package org.mailprobe.probes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The sink's own certificate for STARTTLS, as an {@link SSLContext}: from a PKCS#12 key store, or
 * from PEM files as certbot and most CAs hand them out (the chain, and an unencrypted PKCS#8
 * {@code BEGIN PRIVATE KEY}). Errors name the file, never the password.
 */
public final class ServerTls {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private ServerTls() {}

    /** The key store's (first) key entry; {@code password} protects both the store and the key. */
    public static SSLContext fromPkcs12(Path keyStore, Secret password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            char[] pass = password.reveal().toCharArray();
            store.load(in, pass);
            return context(store, pass);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use key store " + keyStore + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    /** A certificate chain (leaf first) and its unencrypted PKCS#8 private key, both PEM. */
    public static SSLContext fromPem(Path chainPem, Path keyPem) {
        Collection<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(chainPem)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (chain.isEmpty()) {
                throw new GeneralSecurityException("no certificate found in the file");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use certificate file " + chainPem + ": " + e.getMessage(), e);
        }
        PrivateKey key;
        try {
            key = privateKey(Files.readString(keyPem, StandardCharsets.US_ASCII));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            // The key's bytes are never part of the message.
            throw new IllegalArgumentException("cannot use private key file " + keyPem
                    + ": expected an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)", e);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] pass = new char[0];
            store.setKeyEntry("sink", key, pass, chain.toArray(new Certificate[0]));
            return context(store, pass);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the key in " + keyPem + " does not fit the certificate in " + chainPem
                    + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new GeneralSecurityException("no PKCS#8 private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static SSLContext context(KeyStore store, char[] pass) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, pass);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
