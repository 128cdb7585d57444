package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each src/test/resources/config/invalid-NAME.yml beside the exact message it must produce, in
 * the manner of blackbox_exporter's config tests. Each expected line is what follows
 * {@code <file>: }; {@code {dir}} stands for the directory the file was copied to.
 */
class InvalidConfigTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("unknown-top-level-key", "metrics: unknown key; expected one of: agent, "
                        + "allow_plaintext_passwords, defaults, servers, accounts, routes, reachability, endpoints, "
                        + "services, controls, maintenance, journal, sink"),
                arguments("journal-retention-too-short", "journal.retention: 30d is too short: the least is 40d "
                        + "(one contract month of 30 days plus the report's 10 days of grace), or a month's evidence "
                        + "is gone before its report can be disputed"),
                arguments("endpoint-unknown-key", "endpoints.submission.intervall: unknown key; did you mean "
                        + "'interval'?"),
                arguments("endpoint-bad-kind", "endpoints.submission.kind: 'ftp' is not an endpoint kind; use smtp, "
                        + "imap, pop3, http or tcp"),
                arguments("endpoint-interval-too-short",
                        "endpoints.submission.interval: 500ms is too short; the least is 1s"),
                arguments("endpoint-timeout-over-interval",
                        "endpoints.submission.timeout: 10s is longer than the interval, 5s"),
                arguments("endpoint-starttls-on-http",
                        "endpoints.webmail.tls: http has no STARTTLS; use plain or implicit"),
                arguments("endpoint-status-not-http", "endpoints.imap.status: applies to kind http only, not imap"),
                arguments("endpoint-login-in-clear", "endpoints.mx.login: would send the password in clear: tls is "
                        + "plain; use starttls or implicit"),
                arguments("service-unknown-endpoint", "services.mail.endpoints[1]: unknown endpoint 'imap'; known "
                        + "endpoints: submission"),
                arguments("service-without-required-endpoint", "services.mail.endpoints: none is required, so the "
                        + "service could never be down; mark at least one endpoint required: true"),
                arguments("maintenance-both-kinds", "maintenance[0]: give either start and end (one-off) or weekday, "
                        + "time and duration (weekly), not both"),
                arguments("maintenance-end-before-start", "maintenance[0].end: must be after start"),
                arguments("maintenance-bad-time", "maintenance[0].time: '25:00' is not a time of day such as "
                        + "\"03:30\" (quote it)"),
                arguments("maintenance-bad-zone", "maintenance[0].zone: 'Mars/Olympus' is not a time zone such as "
                        + "Asia/Shanghai or +08:00"),
                arguments("missing-state-dir", "reachability.state_dir: is required when endpoints are checked: "
                        + "state changes are written there"),
                arguments("unknown-nested-key-near-miss",
                        "routes[0].watch[0].pol_interval: unknown key; did you mean 'poll_interval'?"),
                arguments("unknown-agent-key", "agent.hostnme: unknown key; did you mean 'hostname'?"),
                arguments("missing-agent", "agent: is required"),
                arguments("agent-not-a-mapping", "agent: must be a mapping of keys to values, not a string"),
                arguments("missing-agent-id", "agent.id: is required"),
                arguments("bad-agent-id", "agent.id: 'hq probe/1' is not a valid name: use letters, digits, '_' "
                        + "and '-', starting with a letter or digit, at most 64 characters"),
                arguments("site-not-a-string", "agent.site: must be a string, not a number (quote it)"),
                arguments("bad-hostname", "agent.hostname: 'probe example com' is not a host name "
                        + "(letters, digits, '.', '-', '_') nor an address literal like [192.0.2.1]"),
                arguments("missing-key-file", "agent.key_file: file {dir}/missing.secret does not exist"),
                arguments("short-key", "agent.key_file: the key in {dir}/short.key has 5 bytes; at least 16 are "
                        + "needed (make one with: openssl rand -hex 32 > short.key)"),
                arguments("bad-server-name", "servers.provider.pop3: 'provider.pop3' is not a valid name: use "
                        + "letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"),
                arguments("missing-protocol", "servers.provider-pop3.protocol: is required"),
                arguments("bad-protocol",
                        "servers.provider-pop3.protocol: 'pop' is not a protocol; use smtp, imap, pop3 or webmail"),
                arguments("host-with-port", "servers.provider-smtp.host: 'smtp.example.com:587' holds a port; "
                        + "give the host alone, and the port under port"),
                arguments("bad-port", "servers.provider-smtp.port: '70000' is not a port number; use 1 to 65535"),
                arguments("bad-tls", "servers.provider-smtp.tls: 'startls' is not a TLS mode; "
                        + "use plain, starttls or implicit"),
                arguments("zero-timeout", "servers.provider-smtp.read_timeout: must be more than 0"),
                arguments("ca-file-and-insecure", "servers.provider-imap.insecure_skip_verify: cannot be true "
                        + "together with ca_file; with verification off a CA is never consulted"),
                arguments("missing-ca-file", "defaults.ca_file: file {dir}/missing-ca.pem does not exist"),
                arguments("bad-address", "accounts.alice.address: 'alice' is not a valid mail address: "
                        + "Missing final '@domain'"),
                arguments("address-with-name", "accounts.alice.address: 'Alice <alice@example.com>' must be a "
                        + "bare address such as alice@example.com, without a name or brackets"),
                arguments("no-password-source",
                        "accounts.alice: needs a password: set password_file or password_env"),
                arguments("two-password-sources", "accounts.alice: password_file and password_env are both set; "
                        + "use exactly one of password_file, password_env, password"),
                arguments("plaintext-password-not-allowed", "accounts.alice.password: a password in clear is "
                        + "refused unless allow_plaintext_passwords is true; use password_file or password_env"),
                arguments("unset-env-var",
                        "accounts.bob.password_env: environment variable MAILPROBE_NOBODY_PASSWORD is not set"),
                arguments("empty-env-var",
                        "accounts.bob.password_env: environment variable MAILPROBE_EMPTY_PASSWORD is empty"),
                arguments("empty-password-file",
                        "accounts.alice.password_file: the password file {dir}/empty.pw is empty"),
                arguments("missing-password-file",
                        "accounts.alice.password_file: file {dir}/nobody.pw does not exist"),
                arguments("missing-routes", "routes: is required"),
                arguments("duplicate-route-names",
                        "routes[1].name: duplicate route name 'loop-alice-bob'; routes[0] has it too"),
                arguments("unknown-route-kind",
                        "routes[0].kind: unknown route kind 'bounce'; supported: loop, send, receive, filter"),
                arguments("loop-with-deliver-via",
                        "routes[0].deliver_via: applies only to receive routes; this route is loop"),
                arguments("send-to-address-without-sink", "routes[0].to_address: a send route to_address needs the "
                        + "agent's sink: add a sink: section whose domains include sink.example.net"),
                arguments("send-to-address-foreign-domain", "routes[0].to_address: 'probe@other.example.net' is not "
                        + "in the sink's domains (sink.example.net); the sink would refuse it"),
                arguments("send-external-without-estimate", "routes[0].estimate: a send route to an external "
                        + "mailbox estimates the send delay from Received headers: give estimate: {provider_hosts: "
                        + "[...]}, or send to_address at the sink"),
                arguments("send-to-sink-with-watch", "routes[0].watch: the sink sees a probe sent to to_address; "
                        + "there is no mailbox to watch"),
                arguments("receive-with-submit-via", "routes[0].submit_via: a receive route delivers to the "
                        + "provider's MX: use deliver_via, or leave it out to look up the MX of the recipient's "
                        + "domain"),
                arguments("receive-bad-starttls", "routes[0].starttls: 'always' is not a STARTTLS mode; use "
                        + "opportunistic (the default) or required"),
                arguments("receive-bad-from-address",
                        "routes[0].from_address: 'probe-at-agent.example.net' is not a mail address (local@domain)"),
                arguments("sink-missing-domains", "sink.domains: is required: the recipient domains the sink "
                        + "accepts (the provider must deliver them here: an MX record, or a transport for a test "
                        + "domain)"),
                arguments("sink-certificate-without-key", "sink.tls_key_file: is required with "
                        + "tls_certificate_file: STARTTLS needs both the certificate chain and its key (PEM)"),
                arguments("sink-bad-listen",
                        "sink.listen: '0.0.0.0:smtp' is not host:port or :port (e.g. 0.0.0.0:25)"),
                arguments("sink-remote-plain-http", "sink.remote: 'http://sink.example.net:9321' is plain http: "
                        + "anyone on the path reads the feed; use https (with ca_file for a private CA), or set "
                        + "insecure_plain_http: true to accept that"),
                arguments("sink-per-source-above-total",
                        "sink.max_connections_per_source: 12 is more than max_connections (10)"),
                arguments("sink-ca-file-without-remote", "sink.ca_file: is for reading a remote sink; give it with "
                        + "remote:"),
                arguments("estimate-bad-host", "routes[0].estimate.provider_hosts[0]: 'mx .example.com' is not a "
                        + "host name or a domain suffix like .example.com"),
                arguments("unknown-account", "routes[0].from: unknown account 'alicia'; known accounts: alice, bob"),
                arguments("bad-duration", "routes[0].interval: '10 seconds' is not a duration; use a number and "
                        + "a unit (ms, s, m, h, d), e.g. 500ms, 10s, 5m, 1h, 1d or 1m30s"),
                arguments("duration-without-unit",
                        "routes[0].interval: '60' has no unit; write e.g. 60s (units: ms, s, m, h, d)"),
                arguments("interval-too-short", "routes[0].interval: 500ms is too short; the least is 1s"),
                arguments("jitter-not-below-interval",
                        "routes[0].jitter: 30s must be less than the interval, 30s"),
                arguments("default-interval-with-large-jitter",
                        "routes[0].jitter: 1m30s must be less than the default interval, 1m"),
                arguments("unknown-server", "routes[0].watch[0].server: unknown server 'imap2'; "
                        + "known servers: provider-smtp, provider-imap, provider-pop3"),
                arguments("submit-via-imap-server", "routes[0].submit_via: server 'provider-imap' speaks imap, "
                        + "but submit_via needs smtp (known smtp servers: provider-smtp)"),
                arguments("watch-protocol-mismatch", "routes[0].watch[0].server: server 'provider-imap' speaks "
                        + "imap, but path pop3 needs pop3 (known pop3 servers: provider-pop3)"),
                arguments("sink-is-no-watch-path",
                        "routes[0].watch[0].path: 'sink' is not an access path; supported: imap, pop3, webmail"),
                arguments("webmail-plain-http", "servers.web.url: 'http://mail.example.com/roundcube/' would send the password in clear; "
                        + "use https, or set insecure_plain_http: true for a lab"),
                arguments("smtp-password-in-clear", "servers.provider-smtp.tls: would send the password of "
                        + "account alice in clear: tls is plain; use starttls or implicit, or set "
                        + "insecure_plain_auth: true for a lab"),
                arguments("imap-password-in-clear", "servers.provider-imap.tls: would send the password of "
                        + "account bob in clear: tls is plain; use starttls or implicit, or set "
                        + "insecure_plain_auth: true for a lab"),
                arguments("pop3-password-in-clear", "servers.provider-pop3.tls: would send the password of "
                        + "account bob in clear: tls is plain; use starttls or implicit, or set "
                        + "insecure_plain_auth: true for a lab"),
                arguments("insecure-plain-auth-on-webmail", "servers.web.insecure_plain_auth: applies to smtp, "
                        + "imap and pop3 servers; a webmail server's URL says https, or insecure_plain_http for a lab"),
                arguments("webmail-host-and-url", "servers.web.host: a webmail server is given by its url; remove host"),
                arguments("webmail-url-with-password", "servers.web.url: must not hold a user name or password; the watch's "
                        + "account logs in"),
                arguments("webmail-url-on-imap", "servers.web.url: applies to protocol webmail only, not imap"),
                arguments("webmail-form-missing", "servers.web.form: is required"),
                arguments("webmail-bad-driver", "servers.web.driver: 'squirrelmail' is not a webmail driver; use roundcube "
                        + "or form"),
                arguments("webmail-form-problems", String.join("\n",
                        "servers.web.form.hidden_fields[0].selector: 'input[name=_token' is not a CSS selector: Did "
                                + "not find balanced marker at 'name=_token'",
                        "servers.web.form.captures[0].pattern: '\"request_token\":\"[^\"]+\"' needs a group in "
                                + "parentheses: group 1 is the value",
                        "servers.web.form.id_pattern: needs message_url too: the id found in the search answer is "
                                + "put into message_url; leave both out if the search answer shows the token itself",
                        "servers.web.form.search_url: unknown placeholder {token}; known here: {query}, {folder}")),
                arguments("webmail-delete-probes", "routes[0].watch[0].delete_probes: a webmail watch only reads; the imap or "
                        + "pop3 watch of the same mailbox deletes the measured probes"),
                arguments("no-watch", "routes[0].watch: needs at least one watch"),
                arguments("pop3-folder-not-inbox", "routes[0].watch[0].folder: 'Probes' cannot be watched on "
                        + "POP3, which has only INBOX; remove folder or set it to INBOX"),
                arguments("idle-on-pop3",
                        "routes[0].watch[0].idle: IDLE is an IMAP command; a pop3 watch always polls"),
                arguments("poll-interval-too-short",
                        "routes[0].watch[0].poll_interval: 50ms is too short; the least is 100ms"),
                arguments("same-mailbox-twice-in-route", "routes[0].watch[1]: watches "
                        + "imap:provider-imap/bob/INBOX again; routes[0].watch[0] already does"),
                arguments("conflicting-shared-watcher", "routes[1].watch[0]: route 'loop-carol-bob' watches "
                        + "imap:provider-imap/bob/INBOX like route 'loop-alice-bob' (routes[0].watch[0]), so they "
                        + "share one watcher, but they disagree: poll_interval 5s here, 2s there, "
                        + "delete_probes false here, true there; set them alike"),
                arguments("aliased-shared-watcher", "routes[1].watch[0]: route 'loop-carol-bob' watches "
                        + "imap:imap-alias/bob/INBOX like route 'loop-alice-bob' (routes[0].watch[0]), so they "
                        + "share one watcher, but they disagree: poll_interval 5s here, 2s there; set them alike"),
                arguments("yaml-syntax-error",
                        "line 12, column 10: YAML syntax error: mapping values are not allowed here"),
                arguments("empty-file", "the file is empty"),
                arguments("duplicate-yaml-key", "line 12, column 9: YAML syntax error: Duplicate field 'host'"),
                arguments("several-problems", String.join("\n",
                        "agent.id: 'hq probe' is not a valid name: use letters, digits, '_' and '-', starting "
                                + "with a letter or digit, at most 64 characters",
                        "routes[0].intervall: unknown key; did you mean 'interval'?",
                        "routes[0].watch[0].server: server 'provider-smtp' speaks smtp, but path imap needs imap "
                                + "(known imap servers: provider-imap)")));
    }

    @ParameterizedTest(name = "invalid-{0}.yml")
    @MethodSource("cases")
    void invalidConfigIsRejectedWithItsExactMessage(String name, String expected, @TempDir Path dir) {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path file = fixture.copyResource("invalid-" + name + ".yml");

        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load(file));

        String prefixed = Arrays.stream(expected.split("\n"))
                .map(line -> file + ": " + line.replace("{dir}", dir.toString()))
                .collect(Collectors.joining("\n"));
        assertEquals(prefixed, e.getMessage());
        assertEquals(expected.split("\n").length, e.problems().size());
    }

    @Test
    void everyInvalidFileHasACase() throws IOException {
        Set<String> tested = cases().map(a -> "invalid-" + a.get()[0] + ".yml").collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/config"))) {
            Set<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("invalid-"))
                    .collect(Collectors.toSet());
            assertEquals(present, tested);
        }
    }

    @Test
    void missingConfigFileIsRejected(@TempDir Path dir) {
        Path file = dir.resolve("nowhere.yml");

        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigFixture(dir).load(file));

        assertEquals(file + ": the file does not exist", e.getMessage());
    }
}
