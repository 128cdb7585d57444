package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.TlsMode;

class ReachabilityConfigTest {
    static final String AGENT = String.join("\n",
            "agent: {id: hq-probe-1, site: hq, key_file: key.secret}",
            "accounts:",
            "  alice: {address: alice@example.com, password_file: alice.pw}",
            "");

    @TempDir
    Path dir;

    AgentConfig load(String yaml) throws Exception {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path file = Files.writeString(dir.resolve("mailprobe.yml"), AGENT + yaml);
        return fixture.load(file);
    }

    @Test
    void endpointsTakeTheirDocumentedDefaults() throws Exception {
        AgentConfig config = load(String.join("\n",
                "reachability: {state_dir: state}",
                "endpoints:",
                "  submission: {kind: smtp, host: smtp.example.com, login: alice}",
                "  imaps: {kind: imap, host: imap.example.com, port: 993}",
                "  webmail: {kind: http, host: mail.example.com, interval: 5s, status: [200, 302]}",
                "  mx: {kind: smtp, host: mx.example.com, port: 25, tls: plain, required: false, retries: 0}",
                ""));

        ReachabilityConfig r = config.reachability();
        assertTrue(config.routes().isEmpty(), "an agent may check reachability only");
        assertEquals(dir.resolve("state"), r.stateDir());
        EndpointConfig submission = r.endpoints().get("submission");
        assertEquals(Duration.ofSeconds(15), submission.interval());
        assertEquals(Duration.ofSeconds(10), submission.timeout());
        assertEquals(2, submission.retries());
        assertTrue(submission.required());
        assertEquals(587, submission.check().endpoint().port());
        assertEquals(TlsMode.STARTTLS, submission.check().endpoint().tlsMode());
        assertEquals("alice@example.com", submission.check().login().user());
        assertEquals(TlsMode.IMPLICIT, r.endpoints().get("imaps").check().endpoint().tlsMode());
        EndpointConfig webmail = r.endpoints().get("webmail");
        assertEquals(EndpointKind.HTTP, webmail.check().kind());
        assertEquals(443, webmail.check().endpoint().port());
        assertEquals(Duration.ofSeconds(5), webmail.timeout(), "never longer than the interval");
        assertEquals(Set.of(200, 302), webmail.check().httpStatuses());
        assertFalse(r.endpoints().get("mx").required());
        assertNull(r.endpoints().get("mx").check().login());
    }

    @Test
    void maintenanceComesFromTheConfigAndFromItsOwnFile() throws Exception {
        Files.writeString(dir.resolve("maintenance.yml"), String.join("\n",
                "maintenance:",
                "  - {start: \"2026-12-06T02:00:00+08:00\", end: \"2026-12-06T04:00:00+08:00\", note: notice 2026-17}",
                ""));
        AgentConfig config = load(String.join("\n",
                "reachability: {state_dir: state, maintenance_file: maintenance.yml}",
                "endpoints:",
                "  submission: {kind: smtp, host: smtp.example.com}",
                "services:",
                "  mail: {endpoints: [submission], down_when: all}",
                "maintenance:",
                "  - {weekday: sunday, time: \"03:00\", duration: 1h, zone: Asia/Shanghai, services: [mail]}",
                ""));

        List<MaintenanceWindow> windows = config.reachability().maintenance();
        assertEquals(2, windows.size());
        assertTrue(windows.get(0) instanceof MaintenanceWindow.Weekly);
        assertEquals(Set.of("mail"), windows.get(0).services());
        assertTrue(windows.get(0).covers(Instant.parse("2026-12-05T19:30:00Z")), "Sunday 03:30 in Shanghai");
        assertEquals("notice 2026-17", windows.get(1).note());
        assertEquals("maintenance.yml: maintenance[0]", windows.get(1).source());
        assertTrue(windows.get(1).covers(Instant.parse("2026-12-05T19:00:00Z")));
        assertEquals(ServiceConfig.DownWhen.ALL, config.reachability().services().get("mail").downWhen());
    }

    @Test
    void aProblemInTheMaintenanceFileNamesThatFile() throws Exception {
        Path notice = Files.writeString(dir.resolve("maintenance.yml"), String.join("\n",
                "maintenance:",
                "  - {start: \"2026-12-06 02:00\", end: \"2026-12-06T04:00:00+08:00\"}",
                ""));

        ConfigException e = assertThrows(ConfigException.class, () -> load(String.join("\n",
                "reachability: {state_dir: state, maintenance_file: maintenance.yml}",
                "endpoints:",
                "  submission: {kind: smtp, host: smtp.example.com}",
                "")));

        assertEquals(List.of(notice + ": maintenance[0].start: '2026-12-06 02:00' is not a date and time with an "
                + "offset, such as 2026-12-06T02:00:00+08:00"), e.problems());
    }
}
