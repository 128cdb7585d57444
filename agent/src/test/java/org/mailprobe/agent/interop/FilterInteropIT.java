package org.mailprobe.agent.interop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.search.SubjectTerm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailprobe.agent.AgentProcess;
import org.mailprobe.agent.interop.ProbeJar.Run;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.testing.Testbed;

/**
 * Clause 6 end to end: the packaged agent's {@code kind: filter} route against the testbed's real
 * filters (ClamAV, SpamAssassin, MIMEDefang, Dovecot Sieve; deploy/testbed/filter-mode), inbound to
 * Postfix's port 25 and outbound through submission, found again by IMAP in INBOX and Junk. Every
 * sample's outcome is read from the journal and the metrics; a known mix gives exact rates in the
 * monthly report. And an ordinary loop probe filed into Junk by the Sieve rule: {@code folder=Junk}
 * over IMAP, lost over POP3. User 3 receives; the mode is put back to {@code off} after the class.
 */
@Timeout(600)
class FilterInteropIT {
    static final int USER = 3;
    static final String ROUTE = "filter-interop";
    static final String SENDER = "filter-interop@elsewhere.test";
    static final List<String> VIRUSES = List.of("eicar", "eicar-zip", "eicar-nested-zip", "eicar-inline-base64",
            "eicar-multipart-alternative");
    static final ObjectMapper JSON = new ObjectMapper();
    static Testbed bed;

    @TempDir
    Path dir;

    @BeforeAll
    static void testbedIsUp() {
        bed = Testbed.load();
    }

    @AfterAll
    static void filteringIsOffAgainAndNoSampleIsLeft() throws Exception {
        FilterTestbedIT.filterMode("off");
        assertEquals("off", FilterTestbedIT.filterMode(), "the filter mode was not put back to off");
        try (Store store = Mailbox.open(bed, bed.account(USER))) {
            for (String name : List.of("INBOX", "Junk")) {
                Folder f = store.getFolder(name);
                f.open(Folder.READ_WRITE);
                for (String subject : List.of("[mailprobe] filter sample " + ROUTE, "junkbait")) {
                    for (Message m : f.search(new SubjectTerm(subject))) {
                        m.setFlag(Flags.Flag.DELETED, true);
                    }
                }
                f.close(true);
            }
        }
        for (String line : FilterTestbedIT.run(List.of("postqueue", "-j")).lines().toList()) {
            JsonNode queued = JSON.readTree(line);
            if (SENDER.equals(queued.path("sender").asText())) {
                FilterTestbedIT.run(List.of("postsuper", "-d", queued.path("queue_id").asText()));
            }
        }
    }

    /** What each built-in sample must become in each mode (deploy/testbed/README.md, the filter modes). */
    static Map<String, String> expected(String mode) {
        Map<String, String> e = new LinkedHashMap<>();
        for (String v : VIRUSES) {
            e.put(v, switch (mode) {
                case "off" -> "untouched";
                case "tag", "junk" -> "tagged";
                case "quarantine" -> "withheld";
                case "clean" -> "cleaned";
                default -> throw new IllegalArgumentException(mode);
            });
        }
        e.put("gtube", switch (mode) {
            case "off" -> "untouched";
            case "tag", "clean" -> "tagged";
            case "quarantine" -> "withheld";
            case "junk" -> "junk";
            default -> throw new IllegalArgumentException(mode);
        });
        e.put("clean", "untouched");
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "tag", "quarantine", "junk", "clean"})
    void everyBuiltInSampleInboundAndOutboundIsClassifiedAsTheFilterModeTreatedIt(String mode) throws Exception {
        FilterTestbedIT.filterMode(mode);
        List<JsonNode> records = runBatch(config("[" + String.join(", ", expected(mode).keySet()) + "]", null, true),
                expected(mode).size() * 2);

        for (String direction : List.of("inbound", "outbound")) {
            for (Map.Entry<String, String> e : expected(mode).entrySet()) {
                JsonNode r = record(records, direction, e.getKey());
                assertEquals(e.getValue(), r.path("outcome").asText(), mode + " " + direction + " " + r);
                if (!e.getValue().equals("withheld")) {
                    assertEquals("token", r.path("matched_by").asText(), r.toString());
                    assertTrue(r.path("deleted").asBoolean(), "a verified sample is deleted: " + r);
                    assertEquals(e.getValue().equals("junk") ? "Junk" : "INBOX", r.path("folder").asText(), r.toString());
                }
            }
        }
    }

    @Test
    void knownMixOfFiftyVirusFiftySpamAndTwentyCleanGivesExactRatesInTheReport() throws Exception {
        FilterTestbedIT.filterMode("reject");
        // The customer's corpus: 40 virus samples ClamAV knows (EICAR) and 5 it does not (a made-up
        // payload), 44 spam samples SpamAssassin knows (GTUBE) and 5 it does not, 19 clean. With the
        // 7 built-ins: 50 virus (45 detected), 50 spam (45 detected), 20 clean.
        Path corpus = dir.resolve("corpus");
        for (int i = 0; i < 45; i++) {
            writeCorpus(corpus, "virus", "virus-" + i, i < 40 ? eicar() : ("mailprobe interop unknown payload " + i)
                    .getBytes(US_ASCII), "Invoice " + i, "Please find the invoice attached.");
        }
        for (int i = 0; i < 49; i++) {
            writeCorpus(corpus, "spam", "spam-" + i, null, "Offer " + i, i < 44 ? "Buy now. " + gtube()
                    : "Minutes of the planning meeting, item " + i + ": nothing to report.");
        }
        for (int i = 0; i < 19; i++) {
            writeCorpus(corpus, "clean", "clean-" + i, "Agenda item ".concat(String.valueOf(i)).getBytes(US_ASCII),
                    "Agenda " + i, "The agenda for the next meeting is attached.");
        }
        Path config = config("[" + String.join(", ", expected("off").keySet()) + "]", corpus, false);
        List<JsonNode> records = runBatch(config, 120);

        Map<String, Integer> byKindOutcome = new TreeMap<>();
        for (JsonNode r : records) {
            byKindOutcome.merge(r.path("kind").asText() + " " + r.path("outcome").asText(), 1, Integer::sum);
            if (r.path("outcome").asText().equals("rejected")) {
                assertTrue(r.path("smtp_reply").asText().startsWith("5"), "a refusal keeps its reply: " + r);
            }
        }
        assertEquals(Map.of("virus rejected", 45, "virus untouched", 5, "spam rejected", 45, "spam untouched", 5,
                "clean untouched", 20), byKindOutcome, records.toString());
        for (JsonNode r : records) {
            String variant = r.path("variant").asText();
            boolean missed = r.path("outcome").asText().equals("untouched") && !r.path("kind").asText().equals("clean");
            boolean unknownPayload = variant.matches("corpus:virus-4[0-4]\\.eml|corpus:spam-4[4-8]\\.eml");
            assertEquals(unknownPayload, missed, "only the samples the filters cannot know are missed: " + r);
        }

        Run report = ProbeJar.run(List.of("report", "--journal", dir.resolve("journal").toString(), "--month",
                YearMonth.now(ZoneOffset.UTC).toString(), "--format", "json"));
        assertEquals(0, report.exit(), report.toString());
        Map<String, JsonNode> rates = new LinkedHashMap<>();
        for (JsonNode rate : report.json().path("clause6").path("rates")) {
            if (rate.path("direction").asText().equals("inbound")) {
                rates.put(rate.path("name").asText(), rate);
            }
        }
        assertRate(rates, "virus detection", 50, 0.9);
        assertRate(rates, "virus removal", 50, 0.9);
        assertRate(rates, "spam filtering", 50, 0.9);
        assertRate(rates, "false positives", 20, 0.0);
        System.out.printf("interop clause 6, mode reject, 120 samples: %s%n", byKindOutcome);
    }

    @Test
    void sampleWhoseTokenHeaderTheProviderStrippedIsMatchedByItsMessageIdAndLeftInTheMailbox() throws Exception {
        FilterTestbedIT.filterMode("tag", "--strip-token");
        List<JsonNode> records = runBatch(config("[eicar, gtube, clean]", null, false), 3);

        for (JsonNode r : records) {
            assertEquals("message-id", r.path("matched_by").asText(), r.toString());
            assertFalse(r.path("deleted").asBoolean(), "only a verified token lets the agent delete: " + r);
        }
        assertEquals("tagged", record(records, "inbound", "eicar").path("outcome").asText());
        assertEquals("tagged", record(records, "inbound", "gtube").path("outcome").asText());
        assertEquals("untouched", record(records, "inbound", "clean").path("outcome").asText());
        try (Store store = Mailbox.open(bed, bed.account(USER))) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int left = inbox.search(new SubjectTerm("[mailprobe] filter sample " + ROUTE)).length;
            inbox.close(false);
            assertEquals(3, left, "the three unverifiable samples stay in the mailbox");
        }
    }

    @Test
    void probeFiledIntoJunkBySieveIsSeenInJunkOverImapAndLostOverPop3() throws Exception {
        FilterTestbedIT.filterMode("junk");
        String name = "junkbait-loop";
        Path config = writeConfig(String.join("\n",
                "  - name: " + name,
                "    kind: loop",
                "    from: probe",
                "    submit_via: submission",
                "    to: probe",
                "    interval: 1m",
                "    timeout: 20s",
                "    watch:",
                "      - {path: imap, server: imap, folders: [INBOX, \"\\\\Junk\"]}",
                "      - {path: pop3, server: pop3, poll_interval: 1s}",
                ""));

        Run run = ProbeJar.run(List.of("probe", "--config", config.toString(), "--route", name, "--output", "json"));

        assertEquals("junk", run.path("imap").path("result").asText(), run.toString());
        assertEquals("Junk", run.path("imap").path("folder").asText(), run.toString());
        assertTrue(run.path("imap").path("junk_folder").asBoolean(), run.toString());
        assertEquals("lost", run.path("pop3").path("result").asText(), run.toString());
        assertTrue(run.exit() != 0, "a probe the user only has in Junk is not a delivery: " + run);
    }

    private static void assertRate(Map<String, JsonNode> rates, String name, int samples, double rate) {
        JsonNode r = rates.get(name);
        assertNotNull(r, "no " + name + " rate in " + rates);
        assertEquals(samples, r.path("samples").asLong(), r.toString());
        assertEquals(rate, r.path("rate").asDouble(), 1e-12, r.toString());
    }

    private static JsonNode record(List<JsonNode> records, String direction, String variant) {
        return records.stream().filter(r -> r.path("direction").asText().equals(direction)
                && r.path("variant").asText().equals(variant)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + direction + " record of " + variant + " in " + records));
    }

    /**
     * Runs the agent until its metrics count {@code expected} samples with an outcome, stops it, and
     * returns the journal's {@code filter_sample} records, checked against the metrics.
     */
    private List<JsonNode> runBatch(Path config, int expected) throws Exception {
        String page;
        try (AgentProcess agent = AgentProcess.run(config)) {
            String metrics = agent.metricsUrl(Duration.ofSeconds(60));
            assertNotNull(metrics, agent.logText());
            page = Scrapes.until(metrics, Duration.ofSeconds(240), p -> Scrapes.value(p,
                    "mailprobe_filter_samples_total", "route=\"" + ROUTE + "\"") >= expected);
            assertTrue(agent.stop(), "the agent did not stop on SIGTERM");
            assertFalse(agent.logText().contains(bed.get("USER" + USER + "_PASSWORD")), "the password leaked");
        }
        List<JsonNode> records = new ArrayList<>();
        Journal.read(dir.resolve("journal"), located -> {
            if (located.record().path("type").asText().equals("filter_sample")) {
                records.add(located.record());
            }
        });
        assertEquals(expected, records.size(), records.toString());
        for (JsonNode r : records) {
            double counted = Scrapes.value(page, "mailprobe_filter_samples_total", "route=\"" + ROUTE + "\"",
                    "direction=\"" + r.path("direction").asText() + "\"", "kind=\"" + r.path("kind").asText() + "\"",
                    "outcome=\"" + r.path("outcome").asText() + "\"");
            long journaled = records.stream().filter(o -> o.path("direction").equals(r.path("direction"))
                    && o.path("kind").equals(r.path("kind")) && o.path("outcome").equals(r.path("outcome"))).count();
            assertEquals(journaled, (long) counted, "metrics and journal disagree on " + r);
        }
        return records;
    }

    private Path config(String samples, Path corpus, boolean outbound) throws IOException {
        return writeConfig(String.join("\n",
                "  - name: " + ROUTE,
                "    kind: filter",
                "    interval: 1h",
                "    timeout: 15s",
                "    from_address: " + SENDER,
                "    to: probe",
                "    deliver_via: mx",
                outbound ? "    submit_via: submission\n    from: probe" : "",
                "    watch: [{path: imap, server: imap, folders: [INBOX, \"\\\\Junk\"]}]",
                "    filter:",
                "      samples: " + samples,
                corpus != null ? "      corpus: " + corpus : "",
                ""));
    }

    private Path writeConfig(String routes) throws IOException {
        Path key = dir.resolve("key.secret");
        Path password = dir.resolve("probe.pw");
        Files.writeString(key, "filter-interop-key-0123456789abcdef\n");
        Files.copy(bed.passwordFile(USER), password, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (Path p : new Path[] {key, password}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
        String host = bed.get("TLS_HOSTNAME");
        String yaml = String.join("\n",
                "agent: {id: filter-interop, site: testbed, key_file: key.secret}",
                "defaults: {ca_file: " + bed.caFile() + ", connect_timeout: 5s, read_timeout: 30s}",
                "journal: {dir: journal}",
                "servers:",
                "  mx: {protocol: smtp, host: " + host + ", port: " + bed.get("SMTP_PORT") + ", tls: starttls}",
                "  submission: {protocol: smtp, host: " + host + ", port: " + bed.get("SUBMISSION_PORT")
                        + ", tls: starttls}",
                "  imap: {protocol: imap, host: " + host + ", port: " + bed.get("IMAPS_PORT") + ", tls: implicit}",
                "  pop3: {protocol: pop3, host: " + host + ", port: " + bed.get("POP3S_PORT") + ", tls: implicit}",
                "accounts:",
                "  probe: {address: " + bed.user(USER) + ", password_file: probe.pw}",
                "routes:",
                routes);
        Path file = dir.resolve("mailprobe.yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** One corpus message: a text body and, unless {@code attachment} is null, one base64 attachment. */
    private static void writeCorpus(Path corpus, String kind, String name, byte[] attachment, String subject,
            String text) throws IOException {
        Path d = Files.createDirectories(corpus.resolve(kind));
        StringBuilder m = new StringBuilder();
        m.append("From: customer@elsewhere.test\r\nTo: someone@elsewhere.test\r\nSubject: ").append(subject)
                .append("\r\nMIME-Version: 1.0\r\n");
        if (attachment == null) {
            m.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n").append(text).append("\r\n");
        } else {
            m.append("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n")
                    .append("Content-Type: text/plain; charset=us-ascii\r\n\r\n").append(text).append("\r\n--b1\r\n")
                    .append("Content-Type: application/octet-stream; name=\"").append(name).append(".bin\"\r\n")
                    .append("Content-Disposition: attachment; filename=\"").append(name).append(".bin\"\r\n")
                    .append("Content-Transfer-Encoding: base64\r\n\r\n")
                    .append(Base64.getMimeEncoder().encodeToString(attachment)).append("\r\n--b1--\r\n");
        }
        Files.writeString(d.resolve(name + ".eml"), m.toString(), US_ASCII);
    }

    private static byte[] eicar() {
        return FilterTestbedIT.EICAR.clone();
    }

    private static String gtube() {
        return FilterTestbedIT.GTUBE;
    }
}
