package org.mailprobe.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/** Writes a real config file, with its key and password files, for a {@link TestProvider}. */
public final class ConfigFiles {
    private ConfigFiles() {}

    /** A config with route {@code loop-greenmail}: SMTPS submission, IMAPS and POP3S watches, every 1 s. */
    public static Path write(Path dir, TestProvider provider) throws IOException {
        Files.write(dir.resolve("key.secret"), TestConfigs.KEY);
        Files.writeString(dir.resolve("probe.pw"), TestProvider.PASSWORD + "\n", StandardCharsets.UTF_8);
        Files.copy(TestCa.get().caPem(), dir.resolve("ca.pem"));
        String yaml = String.join("\n",
                "agent:",
                "  id: it-agent",
                "  site: it-site",
                "  key_file: key.secret",
                "  hostname: probe.test",
                "defaults:",
                "  connect_timeout: 3s",
                "  read_timeout: 5s",
                "  ca_file: ca.pem",
                "servers:",
                "  gm-smtp: {protocol: smtp, host: localhost, port: " + provider.smtps().port() + ", tls: implicit}",
                "  gm-imap: {protocol: imap, host: localhost, port: " + provider.imaps().port() + ", tls: implicit}",
                "  gm-pop3: {protocol: pop3, host: localhost, port: " + provider.pop3s().port() + ", tls: implicit}",
                "accounts:",
                "  probe: {address: " + TestProvider.USER + ", password_file: probe.pw}",
                "routes:",
                "  - name: loop-greenmail",
                "    kind: loop",
                "    from: probe",
                "    submit_via: gm-smtp",
                "    to: probe",
                "    interval: 1s",
                "    jitter: 100ms",
                "    timeout: 30s",
                "    watch:",
                "      - {path: imap, server: gm-imap}",
                "      - {path: pop3, server: gm-pop3, poll_interval: 500ms}",
                "");
        return Files.writeString(dir.resolve("mailprobe.yml"), yaml, StandardCharsets.UTF_8);
    }
}
