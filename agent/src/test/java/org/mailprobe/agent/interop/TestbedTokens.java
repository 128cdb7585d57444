package org.mailprobe.agent.interop;

import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * The tokens the testbed's authorization server issues, for any grant: the {@code username} claim
 * (which Dovecot's oauth2 passdb compares with the login name) is the mailbox the client id names,
 * so a client stands for one mailbox as an app registration granted one mailbox does at Microsoft
 * 365. {@code probe2} and {@code probe2@mailprobe.test} both name probe2@mailprobe.test. A token
 * lives as long as its client's lifetime says.
 */
public final class TestbedTokens implements OAuth2TokenCallback {
    private final String issuerId;
    private final String domain;
    private final Function<String, Duration> lifetimeOfClient;

    public TestbedTokens(String issuerId, String domain, Function<String, Duration> lifetimeOfClient) {
        this.issuerId = issuerId;
        this.domain = domain;
        this.lifetimeOfClient = lifetimeOfClient;
    }

    /** The mailbox a client id stands for. */
    public static String mailbox(String clientId, String domain) {
        return clientId.contains("@") ? clientId : clientId + "@" + domain;
    }

    @Override
    public String issuerId() {
        return issuerId;
    }

    @Override
    public String subject(TokenRequest request) {
        return clientId(request);
    }

    @Override
    public String typeHeader(TokenRequest request) {
        return "JWT";
    }

    @Override
    public List<String> audience(TokenRequest request) {
        return List.of("mailprobe-testbed");
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
        Map<String, Object> claims = new TreeMap<>();
        claims.put("username", mailbox(clientId(request), domain));
        claims.put("client_id", clientId(request));
        // The library sets exp from tokenExpiry(), which cannot see the request: a claim of ours
        // overrides it, and the token response's expires_in is computed from it.
        claims.put("exp", Date.from(Instant.now().plus(lifetimeOfClient.apply(clientId(request)))));
        if (request.getScope() != null) {
            claims.put("scope", request.getScope().toString());
        }
        return claims;
    }

    @Override
    public long tokenExpiry() {
        return lifetimeOfClient.apply("").toSeconds();
    }

    private static String clientId(TokenRequest request) {
        ClientID id = request.getClientAuthentication() != null
                ? request.getClientAuthentication().getClientID() : request.getClientID();
        return id == null ? "" : id.getValue();
    }
}
