package org.mailprobe.probes.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.oauth.TokenGrant.ClientAuthentication.Certificate;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 2.2) from a PEM certificate and its
 * PKCS#8 key. The Microsoft identity platform finds the app's certificate by the {@code x5t}
 * header (SHA-1 thumbprint), so the header carries it beside {@code x5t#S256}; see
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials. The files are read
 * at each fetch, so a rotated certificate is used without a restart.
 */
final class ClientAssertion {
    private ClientAssertion() {}

    static PrivateKeyJWT sign(Certificate files, String clientId, URI tokenEndpoint) throws TokenException {
        X509Certificate certificate = certificate(files);
        PrivateKey key = key(files);
        try {
            JWSAlgorithm algorithm = key instanceof ECPrivateKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            JWSSigner signer = key instanceof ECPrivateKey ? new ECDSASigner((ECPrivateKey) key)
                    : new RSASSASigner(key);
            byte[] der = certificate.getEncoded();
            JWSHeader header = thumbprinted(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT), der)
                    .x509CertSHA256Thumbprint(Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(der)))
                    .build();
            // Issuer and subject the client id, audience the token endpoint, a fresh jti, 5 minutes.
            JWTAuthenticationClaimsSet claims =
                    new JWTAuthenticationClaimsSet(new ClientID(clientId), new Audience(tokenEndpoint.toString()));
            SignedJWT jwt = new SignedJWT(header, claims.toJWTClaimsSet());
            jwt.sign(signer);
            return new PrivateKeyJWT(jwt);
        } catch (JOSEException | GeneralSecurityException e) {
            throw new TokenException("cannot sign the client assertion with the key in " + files.keyFile() + ": "
                    + e.getClass().getSimpleName(), 0, null, null);
        }
    }

    /** {@code x5t} is deprecated in JOSE in favour of {@code x5t#S256}, but Microsoft asks for it. */
    @SuppressWarnings("deprecation")
    private static JWSHeader.Builder thumbprinted(JWSHeader.Builder header, byte[] der)
            throws GeneralSecurityException {
        return header.x509CertThumbprint(Base64URL.encode(MessageDigest.getInstance("SHA-1").digest(der)));
    }

    private static X509Certificate certificate(Certificate files) throws TokenException {
        try (InputStream in = Files.newInputStream(files.certificateFile())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new TokenException("cannot read the client certificate " + files.certificateFile() + ": "
                    + e.getClass().getSimpleName(), 0, null, null);
        }
    }

    /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), RSA or EC. */
    private static PrivateKey key(Certificate files) throws TokenException {
        String what = "cannot read the client key " + files.keyFile() + ": ";
        byte[] der;
        try {
            String pem = Files.readString(files.keyFile(), StandardCharsets.US_ASCII);
            int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
            int end = pem.indexOf("-----END PRIVATE KEY-----");
            if (begin < 0 || end < begin) {
                throw new TokenException(what + "not a PKCS#8 PEM key (BEGIN PRIVATE KEY)", 0, null, null);
            }
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IOException | IllegalArgumentException e) {
            throw new TokenException(what + e.getClass().getSimpleName(), 0, null, null);
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                if (key instanceof RSAPrivateKey || key instanceof ECPrivateKey) {
                    return key;
                }
            } catch (GeneralSecurityException tryTheNext) {
                // not this algorithm
            }
        }
        throw new TokenException(what + "neither an RSA nor an EC key", 0, null, null);
    }
}
