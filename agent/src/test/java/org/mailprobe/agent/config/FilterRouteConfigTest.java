package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailprobe.probes.filter.TagRule;

/** The {@code kind: filter} route's keys: defaults, and each mistake with its exact message. */
@Timeout(30)
class FilterRouteConfigTest {
    @TempDir
    Path dir;

    static final String HEAD = String.join("\n",
            "agent:", "  id: hq-probe-1", "  site: hq", "  key_file: key.secret",
            "servers:",
            "  smtp:", "    protocol: smtp", "    host: smtp.example.com",
            "  mx:", "    protocol: smtp", "    host: mx.example.com", "    port: 25",
            "  imap:", "    protocol: imap", "    host: imap.example.com",
            "  pop3:", "    protocol: pop3", "    host: pop.example.com",
            "accounts:",
            "  alice:", "    address: alice@example.com", "    password_file: alice.pw",
            "  bob:", "    address: bob@example.com", "    password_env: MAILPROBE_BOB_PASSWORD",
            "routes:", "");

    /** The one watch a filter route needs, as a loop route's watch is written. */
    static final String WATCH = "    watch: [{path: imap, server: imap}]";

    /** A filter route with only its required keys, then {@code extra} lines (indented 4) instead of its watch. */
    static String minimal(String... extra) {
        return String.join("\n", "  - name: filter-in", "    kind: filter", "    from_address: samples@agent.example.net",
                "    to: bob") + "\n" + (extra.length == 0 ? "    watch:\n      - path: imap\n        server: imap\n"
                : String.join("\n", extra) + "\n");
    }

    FilterRouteConfig load(String routes) throws ConfigException, IOException {
        ConfigFixture fixture = new ConfigFixture(dir);
        AgentConfig config = fixture.load(Files.writeString(dir.resolve("agent.yml"), HEAD + routes));
        assertEquals(1, config.filterRoutes().size());
        return config.filterRoutes().get(0);
    }

    String problem(String routes) throws IOException {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path file = Files.writeString(dir.resolve("agent.yml"), HEAD + routes);
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load(file));
        assertEquals(1, e.problems().size(), e.getMessage());
        String line = e.problems().get(0);
        assertTrue(line.startsWith(file + ": "), line);
        return line.substring(file.toString().length() + 2);
    }

    @Test
    void aMinimalFilterRouteTakesEveryDefault() throws Exception {
        FilterRouteConfig f = load(minimal());

        assertEquals(Defaults.FILTER_INTERVAL, f.interval());
        assertEquals(Defaults.FILTER_TIMEOUT, f.timeout());
        assertEquals("samples@agent.example.net", f.sender());
        assertEquals("bob", f.to().name());
        assertNull(f.direct().via());
        assertNull(f.submitVia());
        assertEquals("imap", f.watch().server().name());
        assertEquals("bob", f.watch().account().name());
        assertEquals(List.of("INBOX", "\\Junk"), f.watch().folders());
        assertTrue(f.watch().deleteSamples());
        assertEquals(Defaults.FILTER_SAMPLES, f.variants());
        assertNull(f.corpus());
        assertEquals(List.of("X-Spam-Flag"), f.spamTags().stream().map(TagRule::header).toList());
        assertTrue(f.spamTags().get(0).matches(" YES"));
        assertTrue(f.virusTags().get(0).matches("Infected (Eicar-Signature)"));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Files.createDirectories(dir.resolve("samples/virus"));
        FilterRouteConfig f = load(minimal("    interval: 30m", "    timeout: 5m",
                "    deliver_via: mx", "    starttls: required", "    helo: agent.example.net",
                "    submit_via: smtp", "    from: alice",
                "    watch:", "      - path: imap", "        server: imap", "        account: bob",
                "        folders: [inbox, Spam]",
                "        junk_folders: [Spam]", "        delete_probes: false",
                "    filter:", "      samples: [eicar-zip, gtube]", "      corpus: samples",
                "      spam_tags: [{header: X-Spam-Status, pattern: '^Yes'}]",
                "      virus_tags: [{header: X-Virus, pattern: 'found'}, {header: X-Av, pattern: 'bad'}]"));

        assertEquals(Duration.ofMinutes(30), f.interval());
        assertEquals(Duration.ofMinutes(5), f.timeout());
        assertEquals("mx", f.direct().via().name());
        assertTrue(f.direct().requireStartTls());
        assertEquals("agent.example.net", f.direct().helo());
        assertEquals("smtp", f.submitVia().name());
        assertEquals("alice", f.from().name());
        assertEquals(List.of("INBOX", "Spam"), f.watch().folders());
        assertEquals(List.of("Spam"), f.watch().junkFolders());
        assertEquals(false, f.watch().deleteSamples());
        assertEquals(List.of("eicar-zip", "gtube"), f.variants());
        assertEquals(dir.resolve("samples"), f.corpus());
        assertEquals("X-Spam-Status", f.spamTags().get(0).header());
        assertEquals(2, f.virusTags().size());
    }

    /** A receive route and a filter route to bob, each with {@code delivery} lines; loaded. */
    AgentConfig receiveAndFilter(String... delivery) throws ConfigException, IOException {
        String keys = delivery.length == 0 ? "" : String.join("\n", delivery) + "\n";
        String receive = String.join("\n", "  - name: receive-bob", "    kind: receive",
                "    from_address: probe@agent.example.net", "    to: bob", "    watch: [{path: pop3, server: pop3}]", "");
        return new ConfigFixture(dir).load(Files.writeString(dir.resolve("agent.yml"),
                HEAD + receive + keys + minimal(WATCH, keys.stripTrailing())));
    }

    @Test
    void deliverViaStarttlsAndHeloAreReadAsAReceiveRouteReadsThem() throws Exception {
        AgentConfig config = receiveAndFilter("    deliver_via: mx", "    starttls: required",
                "    helo: agent.example.net");

        assertEquals("mx", config.filterRoutes().get(0).direct().via().name());
        assertEquals(config.routes().get(0).direct(), config.filterRoutes().get(0).direct());
    }

    @Test
    void withoutDeliveryKeysAFilterRouteDeliversAsAReceiveRouteDoesByDefault() throws Exception {
        AgentConfig config = receiveAndFilter();

        assertNull(config.filterRoutes().get(0).direct().via());
        assertEquals(config.routes().get(0).direct(), config.filterRoutes().get(0).direct());
    }

    @Test
    void theCorpusIsReadAtLoadAfterTheBuiltIns() throws Exception {
        Files.createDirectories(dir.resolve("samples/spam"));
        Files.writeString(dir.resolve("samples/spam/offer.eml"), "Subject: cheap\r\nFrom: a@b.example\r\n\r\nbuy\r\n");

        FilterRouteConfig f = load(minimal(WATCH, "    filter: {samples: [gtube], corpus: samples}"));

        assertEquals(List.of("gtube", "corpus:offer.eml"), f.samples().stream().map(s -> s.variant()).toList());
    }

    @Test
    void aCorpusFileThatIsNoMessageIsAProblemNamingTheFile() throws IOException {
        Files.createDirectories(dir.resolve("samples/virus"));
        Files.writeString(dir.resolve("samples/virus/bad.eml"), "this is not a header\r\n");

        String problem = problem(minimal(WATCH, "    filter: {corpus: samples}"));

        assertTrue(problem.startsWith("routes[0].filter.corpus: " + dir.resolve("samples/virus/bad.eml") + ": "),
                problem);
    }

    @Test
    void theExampleOfTheDocsLoads() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "CONFIG.md"));
        int start = doc.indexOf("```yaml\nroutes:\n  - name: filter-in");
        String example = doc.substring(start + "```yaml\nroutes:\n".length(), doc.indexOf("```", start + 7));
        Files.createDirectories(dir.resolve("corpus/clean"));

        FilterRouteConfig f = load(example.replace("/etc/mailprobe/samples", dir.resolve("corpus").toString())
                .replace("provider-", ""));

        assertEquals("mx", f.direct().via().name());
        assertEquals("alice", f.from().name());
        assertEquals(Defaults.FILTER_SAMPLES, f.variants());
        assertEquals(List.of("INBOX", "\\Junk"), f.watch().folders());
        assertEquals(Defaults.SPAM_TAGS.get(0).pattern().pattern(), f.spamTags().get(0).pattern().pattern());
    }

    @Test
    void theCommentedFilterRouteOfTheDeployedExampleLoadsOnceUncommented() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(
                Path.of("..", "deploy", "config", "mailprobe.example.yml")));
        int first = lines.indexOf("  # - name: filter-bob");
        assertTrue(first > 0);
        for (int i = first; i < lines.size() && lines.get(i).startsWith("  #"); i++) {
            lines.set(i, "  " + lines.get(i).substring(4));
        }
        Path file = dir.resolve("mailprobe.yml");
        Files.write(file, lines);

        AgentConfig config = new ConfigFixture(dir).load(file);

        FilterRouteConfig f = config.filterRoutes().get(0);
        assertEquals("filter-bob", f.name());
        assertEquals("bob", f.to().name());
        assertNull(f.direct().via());
        assertEquals("provider-imap", f.watch().server().name());
    }

    @Test
    void aFilterRouteSharesTheNamesOfOtherRoutes() throws IOException {
        String loop = String.join("\n", "  - name: filter-in", "    kind: loop", "    from: alice", "    submit_via: smtp",
                "    to: bob", "    watch:", "      - path: imap", "        server: imap", "");

        assertEquals("routes[1].name: duplicate route name 'filter-in'; routes[0] has it too",
                problem(loop + minimal()));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("unknown key", minimal(WATCH, "    intervl: 1h"),
                        "routes[0].intervl: unknown key; did you mean 'interval'?"),
                arguments("from_address missing", String.join("\n", "  - name: f", "    kind: filter", "    to: bob",
                        WATCH, ""), "routes[0].from_address: is required"),
                arguments("from_address not an address", minimal(WATCH).replace(
                        "samples@agent.example.net", "samples"),
                        "routes[0].from_address: 'samples' is not a mail address (local@domain)"),
                arguments("the old sender key", minimal(WATCH).replace("from_address:", "sender:"),
                        "routes[0].sender: unknown key; a filter route names its sender with from_address, as a "
                                + "receive route does"),
                arguments("unknown to", minimal(WATCH).replace("to: bob", "to: carol"),
                        "routes[0].to: unknown account 'carol'; known accounts: alice, bob"),
                arguments("submit_via without from", minimal("    submit_via: smtp", WATCH),
                        "routes[0].from: is required with submit_via: the account that submits the outbound "
                                + "samples"),
                arguments("from without submit_via", minimal("    from: alice", WATCH),
                        "routes[0].submit_via: is required with from: the submission server outbound samples go "
                                + "through"),
                arguments("submit_via not smtp", minimal("    submit_via: imap", "    from: alice", WATCH),
                        "routes[0].submit_via: server 'imap' speaks imap, but submit_via needs smtp (known smtp "
                                + "servers: smtp, mx)"),
                arguments("the old direct block", minimal("    direct: {deliver_via: mx}", WATCH),
                        "routes[0].direct: unknown key; a filter route gives deliver_via, starttls and helo at the "
                                + "route's level, as a receive route does"),
                arguments("deliver_via not smtp", minimal("    deliver_via: imap", WATCH),
                        "routes[0].deliver_via: server 'imap' speaks imap, but deliver_via needs smtp (known smtp "
                                + "servers: smtp, mx)"),
                arguments("bad starttls", minimal("    starttls: always", WATCH),
                        "routes[0].starttls: 'always' is not a STARTTLS mode; use opportunistic (the default) or "
                                + "required"),
                arguments("bad helo", minimal("    helo: 'not a host'", WATCH),
                        "routes[0].helo: 'not a host' is not a host name"),
                arguments("watch missing", minimal("    interval: 1h"), "routes[0].watch: is required"),
                arguments("the old watches list", minimal("    watches: [{imap: imap}]"),
                        "routes[0].watches: unknown key; a filter route watches with watch: [{path: imap, server: "
                                + "...}]"),
                arguments("two watches", minimal("    watch: [{path: imap, server: imap}, {path: imap, server: imap}]"),
                        "routes[0].watch: needs exactly one watch (an imap mailbox with its folders), not 2"),
                arguments("pop3 watch", minimal("    watch: [{path: pop3, server: pop3}]"),
                        "routes[0].watch[0].path: a filter route watches by imap only: POP3 sees only INBOX, so it "
                                + "cannot tell Junk from the inbox"),
                arguments("webmail watch", minimal("    watch: [{path: webmail, server: imap}]"),
                        "routes[0].watch[0].path: a filter route watches by imap only: a webmail watch sees one "
                                + "folder's message list, not the headers and attachments a sample is classified by"),
                arguments("not an access path", minimal("    watch: [{path: smtp, server: imap}]"),
                        "routes[0].watch[0].path: 'smtp' is not an access path; a filter route watches by imap"),
                arguments("watch without path", minimal("    watch: [{server: imap}]"),
                        "routes[0].watch[0].path: is required"),
                arguments("watch without server", minimal("    watch: [{path: imap}]"),
                        "routes[0].watch[0].server: is required"),
                arguments("server of another protocol", minimal("    watch: [{path: imap, server: pop3}]"),
                        "routes[0].watch[0].server: server 'pop3' speaks pop3, but path imap needs imap (known imap "
                                + "servers: imap)"),
                arguments("idle", minimal("    watch: [{path: imap, server: imap, idle: true}]"),
                        "routes[0].watch[0].idle: a filter watch does not take idle: it searches its folders at "
                                + "each look of a batch and never waits in IDLE"),
                arguments("poll_interval", minimal("    watch: [{path: imap, server: imap, poll_interval: 2s}]"),
                        "routes[0].watch[0].poll_interval: a filter watch does not take poll_interval: it looks "
                                + "on the batch's own schedule (docs/CONFIG.md, \"Filter routes\")"),
                arguments("junk_counts_as_delivered",
                        minimal("    watch: [{path: imap, server: imap, junk_counts_as_delivered: true}]"),
                        "routes[0].watch[0].junk_counts_as_delivered: a filter watch does not take "
                                + "junk_counts_as_delivered: a sample found in Junk is the outcome junk"),
                arguments("folder", minimal("    watch: [{path: imap, server: imap, folder: INBOX}]"),
                        "routes[0].watch[0].folder: a filter watch does not take folder: it searches several, "
                                + "give folders (default [INBOX, \"\\\\Junk\"])"),
                arguments("watch of another mailbox", minimal("    watch: [{path: imap, server: imap, account: alice}]"),
                        "routes[0].watch[0].account: 'alice' is not the route's to ('bob'): samples are sent to "
                                + "bob only, so another mailbox would never see them"),
                arguments("no folders", minimal("    watch: [{path: imap, server: imap, folders: []}]"),
                        "routes[0].watch[0].folders: needs at least one folder"),
                arguments("folder twice", minimal("    watch: [{path: imap, server: imap, folders: [INBOX, Junk, inbox]}]"),
                        "routes[0].watch[0].folders[2]: 'INBOX' is listed twice"),
                arguments("folder not a string", minimal("    watch: [{path: imap, server: imap, folders: [INBOX, 3]}]"),
                        "routes[0].watch[0].folders[1]: must be a folder name, not a number"),
                arguments("junk folder not watched", minimal("    watch: [{path: imap, server: imap, junk_folders: [Spam]}]"),
                        "routes[0].watch[0].junk_folders[0]: 'Spam' is not watched; name it in folders too "
                                + "(watched: INBOX, \\Junk)"),
                arguments("unknown sample", minimal(WATCH, "    filter: {samples: [eicar-zipp]}"),
                        "routes[0].filter.samples[0]: unknown sample 'eicar-zipp'; did you mean 'eicar-zip'? "
                                + "built-in samples: eicar, eicar-zip, eicar-nested-zip, eicar-inline-base64, "
                                + "eicar-multipart-alternative, gtube, clean (a customer's own go in corpus)"),
                arguments("sample twice", minimal(WATCH, "    filter: {samples: [gtube, gtube]}"),
                        "routes[0].filter.samples[1]: 'gtube' is listed twice"),
                arguments("no samples at all", minimal(WATCH, "    filter: {samples: []}"),
                        "routes[0].filter.samples: is empty and there is no corpus: the route would send nothing"),
                arguments("corpus missing", minimal(WATCH, "    filter: {corpus: nowhere}"),
                        "routes[0].filter.corpus: directory {dir}/nowhere does not exist"),
                arguments("tag without pattern", minimal(WATCH, "    filter: {spam_tags: [{header: X-Spam-Flag}]}"),
                        "routes[0].filter.spam_tags[0].pattern: is required"),
                arguments("tag header with a colon", minimal(WATCH,
                        "    filter: {virus_tags: [{header: 'X-Virus:', pattern: x}]}"),
                        "routes[0].filter.virus_tags[0].header: 'X-Virus:' is not a header name (printable "
                                + "characters, no spaces or colon)"),
                arguments("tag pattern not a regex", minimal(WATCH,
                        "    filter: {spam_tags: [{header: X-Spam-Flag, pattern: '(yes'}]}"),
                        "routes[0].filter.spam_tags[0].pattern: '(yes' is not a regular expression: Unclosed group"),
                arguments("interval too short", minimal("    interval: 500ms", WATCH),
                        "routes[0].interval: 500ms is too short; the least is 1s"),
                arguments("zero timeout", minimal("    timeout: 0s", WATCH),
                        "routes[0].timeout: must be more than 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeNamesTheFileTheKeyAndWhatIsWrong(String name, String routes, String expected) throws IOException {
        assertEquals(expected.replace("{dir}", dir.toString()), problem(routes));
    }
}
