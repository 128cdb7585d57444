package org.mailprobe.agent.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.mailprobe.probes.ProbeClock;

/**
 * A config with one account, {@code m365}, whose {@code oauth2:} block a test gives, submitting to
 * itself and watched by IMAP; and the secret files and variables such blocks name.
 */
final class OAuthConfigs {
    static final String CLIENT_SECRET = "client-secret-value-Qx81";
    static final String REFRESH_TOKEN = "refresh-token-value-Zk55";
    static final Map<String, String> ENV = Map.of(
            "M365_CLIENT_SECRET", CLIENT_SECRET,
            "GOOGLE_REFRESH_TOKEN", REFRESH_TOKEN,
            "EMPTY_SECRET", "");

    final ConfigFixture fixture;

    OAuthConfigs(Path dir) {
        fixture = new ConfigFixture(dir);
        fixture.writePrivate("client.secret", CLIENT_SECRET + "\n");
        fixture.writePrivate("refresh.token", REFRESH_TOKEN + "\n");
        fixture.writePrivate("empty.secret", "\n");
        fixture.writePrivate("client.key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n"
                + "-----END PRIVATE KEY-----\n");
        fixture.writePrivate("token", "bearer-token-value-Jw20\n");
    }

    /** The config file with {@code oauth} (lines indented under oauth2:) and {@code extra} account keys. */
    Path file(String oauth, String extraAccountKeys, String extraWatch) {
        String yaml = "agent:\n  id: hq-probe-1\n  site: hq\n  key_file: key.secret\n"
                + "servers:\n"
                + "  m365-smtp:\n    protocol: smtp\n    host: smtp.office365.com\n"
                + "  m365-imap:\n    protocol: imap\n    host: outlook.office365.com\n"
                + "  m365-pop3:\n    protocol: pop3\n    host: outlook.office365.com\n"
                + "  lab-imap:\n    protocol: imap\n    host: imap.lab.test\n    tls: plain\n"
                + "  web:\n    protocol: webmail\n    url: https://mail.example.com/roundcube/\n"
                + "accounts:\n"
                + "  m365:\n    address: probe@contoso.com\n" + extraAccountKeys
                + "    oauth2:\n" + oauth.indent(6)
                + "routes:\n"
                + "  - name: loop-m365\n    kind: loop\n    from: m365\n    submit_via: m365-smtp\n    to: m365\n"
                + "    watch:\n      - path: imap\n        server: m365-imap\n" + extraWatch;
        Path file = fixture.dir.resolve("agent.yml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    Path file(String oauth) {
        return file(oauth, "", "");
    }

    AgentConfig load(Path file) throws ConfigException {
        Map<String, String> env = new HashMap<>(ConfigFixture.ENV);
        env.putAll(ENV);
        return ConfigLoader.load(file, env::get, fixture.warnings::add, ProbeClock.system());
    }

    AgentConfig load(String oauth) throws ConfigException {
        return load(file(oauth));
    }
}
