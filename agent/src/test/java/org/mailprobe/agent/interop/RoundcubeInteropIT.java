package org.mailprobe.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.testing.Testbed;

/**
 * The testbed's Roundcube is reachable and logs a user in (the form's {@code _token} and the
 * session cookie), which means it reached Dovecot over STARTTLS with the test CA. The webmail
 * path's own tests drive it further.
 */
@Timeout(60)
class RoundcubeInteropIT {
    static final Pattern TOKEN = Pattern.compile("name=\"_token\" value=\"([^\"]+)\"");

    @Test
    void roundcubeLogsATestbedUserIn() throws Exception {
        Testbed bed = Testbed.load();
        Account account = bed.account(3);
        URI base = URI.create(bed.get("ROUNDCUBE_URL"));
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> form = http.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, form.statusCode());
        Matcher token = TOKEN.matcher(form.body());
        assertTrue(token.find(), "no _token in Roundcube's login form");

        String body = "_token=" + enc(token.group(1)) + "&_task=login&_action=login&_timezone=UTC&_user="
                + enc(account.user()) + "&_pass=" + enc(account.password().reveal());
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(base.resolve("?_task=login"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, login.statusCode(), "Roundcube refused the login (status " + login.statusCode() + ")");
        assertTrue(login.headers().firstValue("Location").orElse("").contains("_task=mail"),
                login.headers().map().toString());

        HttpResponse<String> inbox = http.send(HttpRequest.newBuilder(base.resolve("?_task=mail&_mbox=INBOX"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, inbox.statusCode());
        assertTrue(inbox.body().contains("_task=logout"), "the inbox page is not a logged-in page");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
