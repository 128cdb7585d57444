package org.mailprobe.agent.cli;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;

/**
 * mock-oauth2-server on a dynamic loopback port whose token endpoint can be told to refuse the
 * client: 3.0.1's enqueueResponse only throws, so a route of ours, consulted before its token
 * endpoint, gives the queued answers first (as the probes' BearerTokenSourcesTest does).
 */
public final class RefusingTokenEndpoint implements Route, AutoCloseable {
    /** In the refusal's body, which must never be shown: only the status and the error code are evidence. */
    public static final String DESCRIPTION = "body-text-not-evidence";

    private final Queue<OAuth2HttpResponse> answers = new ConcurrentLinkedQueue<>();
    private final MockOAuth2Server server = new MockOAuth2Server(this);

    public RefusingTokenEndpoint() {
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    /** The token endpoint's URL (plain http on loopback). */
    public String tokenEndpoint() {
        return server.tokenEndpointUrl("default").toString();
    }

    /** The next {@code times} token requests are answered 401 invalid_client. */
    public void refuse(int times) {
        for (int i = 0; i < times; i++) {
            answers.add(new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 401,
                    "{\"error\":\"invalid_client\",\"error_description\":\"" + DESCRIPTION + "\"}", null));
        }
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        return !answers.isEmpty() && request.getUrl().encodedPath().endsWith("/token");
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        return answers.remove();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
