package org.mailprobe.probes.oauth;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.mailprobe.probes.Secret;

/**
 * Where an account's OAuth 2.0 bearer tokens come from. Secrets are {@link Secret}s, so no
 * toString of a grant shows one.
 */
public sealed interface TokenGrant {

    /**
     * The client-credentials grant (RFC 6749 4.4), e.g. the Microsoft identity platform for an app
     * registration: {@code https://login.microsoftonline.com/TENANT/oauth2/v2.0/token}, scope
     * {@code https://outlook.office365.com/.default}.
     */
    record ClientCredentials(URI tokenEndpoint, String clientId, ClientAuthentication authentication,
            List<String> scopes) implements TokenGrant {
        public ClientCredentials {
            Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(authentication, "authentication");
            scopes = List.copyOf(scopes);
        }
    }

    /**
     * The refresh-token grant (RFC 6749 6), e.g. Google: a long-lived refresh token, obtained once
     * by the user's consent, traded for short-lived access tokens. {@code clientSecret} may be null
     * (a public client). A new refresh token in the answer replaces the old one for this process.
     */
    record RefreshToken(URI tokenEndpoint, String clientId, Secret clientSecret, Secret refreshToken,
            List<String> scopes) implements TokenGrant {
        public RefreshToken {
            Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(refreshToken, "refreshToken");
            scopes = List.copyOf(scopes);
        }
    }

    /**
     * A bearer token kept in a file by something else (an external token helper): the file's
     * content less one trailing newline, re-read when the file changes.
     */
    record TokenFile(Path file) implements TokenGrant {
        public TokenFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /** How a confidential client proves itself to the token endpoint. */
    sealed interface ClientAuthentication {
        /** {@code client_secret_post}/{@code client_secret_basic} with a shared secret. */
        record ClientSecret(Secret secret) implements ClientAuthentication {
            public ClientSecret {
                Objects.requireNonNull(secret, "secret");
            }
        }

        /**
         * {@code private_key_jwt} (RFC 7523) signed with a certificate's key, as the Microsoft
         * identity platform accepts: a PEM certificate and its PKCS#8 PEM private key.
         */
        record Certificate(Path certificateFile, Path keyFile) implements ClientAuthentication {
            public Certificate {
                Objects.requireNonNull(certificateFile, "certificateFile");
                Objects.requireNonNull(keyFile, "keyFile");
            }
        }
    }
}
