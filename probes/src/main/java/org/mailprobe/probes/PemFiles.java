package org.mailprobe.probes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and keys as certbot and most CAs hand them out, for {@link ServerTls}.
 * Every refusal is an {@link IllegalArgumentException} whose sentence names the file and says what
 * to do; a key's bytes never appear in it.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s:,\\-]*?)-----END \\1-----");
    private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in %s -out key.pem";

    private PemFiles() {}

    /** The certificates in the file, in order; refuses a file that holds none. */
    static List<Certificate> certificates(Path file, String what) {
        List<Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (IOException e) {
            throw unreadable(what, file, e);
        } catch (GeneralSecurityException e) {
            certificates = List.of();
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(what + " " + file + " holds no PEM certificate (BEGIN CERTIFICATE)");
        }
        return certificates;
    }

    /** An unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}): RSA, EC or Ed25519. */
    static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw unreadable("private key file", file, e);
        }
        Matcher block = BLOCK.matcher(pem);
        while (block.find()) {
            String type = block.group(1);
            if (type.equals("ENCRYPTED PRIVATE KEY") || (type.endsWith(" PRIVATE KEY") && block.group(2).contains("ENCRYPTED"))) {
                throw new IllegalArgumentException("private key file " + file + " is encrypted; mailprobe reads an "
                        + "unencrypted PKCS#8 key (keep it readable by the agent only): decrypt it with "
                        + "openssl pkcs8 -in " + file + " -out key.pem");
            }
            if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
                throw new IllegalArgumentException("private key file " + file + " holds a " + type
                        + ", not PKCS#8 (BEGIN PRIVATE KEY); convert it with: " + String.format(TO_PKCS8, file));
            }
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(file, block.group(2));
            }
        }
        throw new IllegalArgumentException("private key file " + file
                + " holds no private key (expected an unencrypted PKCS#8 PEM key, BEGIN PRIVATE KEY)");
    }

    /**
     * Refuses a key that is not the one of the chain's first certificate, which a key store
     * accepts silently and a client would only meet as a failed handshake: signs a random
     * challenge with the key and verifies it with the certificate's public key.
     */
    static void checkMatch(PrivateKey key, Path keyFile, Certificate leaf, Path chainFile) {
        PublicKey published = leaf.getPublicKey();
        boolean matches;
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> "Ed25519";
            };
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(published);
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException differentAlgorithms) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the key in " + keyFile + " does not match the certificate in " + chainFile
                    + " (the file's first certificate must be the one issued for this key)");
        }
    }

    private static PrivateKey pkcs8(Path file, String base64) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("private key file " + file + ": the PEM block is not valid base64");
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryTheNext) {
                // not this algorithm
            }
        }
        throw new IllegalArgumentException("private key file " + file + " holds no RSA, EC or Ed25519 PKCS#8 key");
    }

    private static IllegalArgumentException unreadable(String what, Path file, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file"
                : e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
        return new IllegalArgumentException("cannot read " + what + " " + file + ": " + why, e);
    }
}
