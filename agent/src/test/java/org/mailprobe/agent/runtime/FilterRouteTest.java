package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.FilterRouteConfig;
import org.mailprobe.agent.config.FilterWatchConfig;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.web.WebConfig;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.filter.SampleCorpus;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.ScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

/**
 * A filter route in the running agent, end to end: samples delivered to GreenMail's SMTP as the
 * provider's MX, a "filter" played by the test on GreenMail's IMAP (a sample moved to Junk, one
 * tagged, one cleaned, one quarantined, one with its token header stripped), and every outcome in
 * the journal and the metrics; only samples matched by their verified token are deleted.
 */
@Timeout(120)
class FilterRouteTest {
    static final String ROUTE = "filter-test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestProvider provider;
    Agent agent;

    @BeforeEach
    void start() throws Exception {
        provider = new TestProvider();
        GreenMailUser user = provider.greenMail().getUserManager().getUser(TestProvider.USER);
        provider.greenMail().getManagers().getImapHostManager().createMailbox(user, "Junk");
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        provider.close();
    }

    FilterRouteConfig route(List<String> variants, Duration timeout) {
        AccountConfig mailbox = new AccountConfig("probe", TestProvider.USER, provider.account());
        ServerConfig mx = new ServerConfig("mx", Protocol.SMTP, provider.smtp(), TestProvider.trusted(),
                TestProvider.FAST);
        ServerConfig imap = new ServerConfig("imap", Protocol.IMAP, provider.imap(), TestProvider.trusted(),
                TestProvider.FAST);
        return new FilterRouteConfig(ROUTE, Duration.ofHours(1), timeout, "samples@agent.test", mailbox,
                new DirectDeliveryConfig(mx, false, "probe.test", TestProvider.trusted(), TestProvider.FAST), null,
                null, new FilterWatchConfig(imap, mailbox, List.of("INBOX", "Junk"), List.of("Junk"), true), variants,
                null, SampleCorpus.builtIns(variants), Defaults.SPAM_TAGS, Defaults.VIRUS_TAGS);
    }

    AgentConfig config(List<FilterRouteConfig> routes) {
        AgentIdentity identity = new AgentIdentity("test-agent", "test-site", new TokenSigner(TestConfigs.KEY),
                "probe.test");
        return new AgentConfig(dir.resolve("agent.yml"), identity, Map.of(), Map.of(), List.of(),
                ReachabilityConfig.NONE, JournalConfig.defaults(dir.resolve("journal")), null, routes);
    }

    Agent agent(FilterRouteConfig route, FilterRouteRunner.Looks looks) throws Exception {
        AgentConfig config = config(List.of(route));
        agent = new Agent(config, new InetSocketAddress("127.0.0.1", 0), WebConfig.NONE, figures -> { },
                ProbeClock.system(), looks);
        agent.start();
        return agent;
    }

    static void await(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        Instant until = Instant.now().plus(within);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    Store imap() throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect(TestProvider.HOST, provider.imap().port(), TestProvider.USER, TestProvider.PASSWORD);
        return store;
    }

    /** The test's filter: does to each sample what a provider's filter might, by variant. */
    void filter() throws Exception {
        try (Store store = imap()) {
            Folder inbox = store.getFolder("INBOX");
            Folder junk = store.getFolder("Junk");
            inbox.open(Folder.READ_WRITE);
            for (Message m : inbox.getMessages()) {
                String subject = m.getSubject();
                String variant = subject.substring(subject.lastIndexOf(' ') + 1);
                MimeMessage copy = new MimeMessage((MimeMessage) m);
                switch (variant) {
                    case "gtube":
                        copy.setHeader("X-Spam-Flag", "YES");
                        inbox.appendMessages(new Message[] {copy});
                        break;
                    case "eicar-zip":
                        inbox.copyMessages(new Message[] {m}, junk);
                        break;
                    case "eicar":
                        String id = copy.getMessageID();
                        copy.setText("The attachment was removed by the virus filter.");
                        copy.saveChanges();
                        copy.setHeader("Message-ID", id);
                        inbox.appendMessages(new Message[] {copy});
                        break;
                    case "eicar-inline-base64":
                        copy.removeHeader(TokenSigner.HEADER);
                        inbox.appendMessages(new Message[] {copy});
                        break;
                    case "eicar-nested-zip":
                        break; // quarantined: gone
                    default:
                        continue; // delivered untouched
                }
                m.setFlag(Flags.Flag.DELETED, true);
            }
            inbox.close(true);
        }
    }

    /** The subjects' variants left in {@code folder}. */
    List<String> left(String folder) throws Exception {
        List<String> variants = new ArrayList<>();
        try (Store store = imap()) {
            Folder f = store.getFolder(folder);
            f.open(Folder.READ_ONLY);
            for (Message m : f.getMessages()) {
                variants.add(m.getSubject().substring(m.getSubject().lastIndexOf(' ') + 1));
            }
            f.close(false);
        }
        return variants;
    }

    Map<String, JsonNode> records() throws Exception {
        Map<String, JsonNode> byVariant = new HashMap<>();
        for (Path file : JournalFixture.files(dir.resolve("journal"))) {
            for (String line : JournalFixture.lines(file)) {
                JsonNode r = JSON.readTree(line);
                if (r.path("type").asText().equals("filter_sample")) {
                    byVariant.put(r.path("variant").asText(), r);
                }
            }
        }
        return byVariant;
    }

    @Test
    void everyOutcomeReachesTheJournalAndTheMetricsAndOnlyVerifiedSamplesAreDeleted() throws Exception {
        // Looks only when the test says, so that its "filter" has acted first.
        agent(route(SampleCorpus.BUILT_IN_VARIANTS, Duration.ofSeconds(3)), new FilterRouteRunner.Looks(
                Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofSeconds(30)));
        FilterRouteRunner runner = agent.filterRoutes().runners().get(0);
        await(() -> provider.inbox().size() == 7 && runner.outstanding() == 7, Duration.ofSeconds(60),
                "seven samples delivered and accepted");

        filter();
        await(() -> {
            runner.lookOnce();
            return runner.outstanding() == 0;
        }, Duration.ofSeconds(60), "every sample classified");

        Map<String, JsonNode> r = records();
        assertEquals(7, r.size(), r.toString());
        assertOutcome(r.get("gtube"), "tagged", "INBOX", "token", "X-Spam-Flag: YES", true);
        assertOutcome(r.get("eicar-zip"), "junk", "Junk", "token", "folder Junk", true);
        assertOutcome(r.get("eicar"), "cleaned", "INBOX", "token", "attachment removed", true);
        assertOutcome(r.get("eicar-inline-base64"), "untouched", "INBOX", "message-id", null, false);
        assertOutcome(r.get("eicar-multipart-alternative"), "untouched", "INBOX", "token", null, true);
        assertOutcome(r.get("clean"), "untouched", "INBOX", "token", null, true);
        JsonNode withheld = r.get("eicar-nested-zip");
        assertEquals("withheld", withheld.path("outcome").asText(), withheld.toString());
        assertFalse(withheld.has("folder") || withheld.has("deleted"), withheld.toString());
        assertTrue(withheld.path("smtp_reply").asText().startsWith("250"), withheld.toString());

        String page = Scrapes.get("http://" + agent.web().hostPort() + "/metrics").body();
        assertEquals(1, count(page, "virus", "junk"), page);
        assertEquals(1, count(page, "virus", "cleaned"), page);
        assertEquals(1, count(page, "virus", "withheld"), page);
        assertEquals(2, count(page, "virus", "untouched"), page);
        assertEquals(1, count(page, "spam", "tagged"), page);
        assertEquals(1, count(page, "clean", "untouched"), page);
        assertEquals(7, Scrapes.value(page, "mailprobe_filter_samples_total", "route=\"" + ROUTE + "\""), page);
        assertTrue(Scrapes.value(page, "mailprobe_filter_batch_last_timestamp_seconds") > 0, page);

        // The sample whose token was stripped is left where it is; every verified one is gone.
        assertEquals(List.of("eicar-inline-base64"), left("INBOX"));
        assertEquals(List.of(), left("Junk"));
    }

    static void assertOutcome(JsonNode r, String outcome, String folder, String matchedBy, String decidedBy,
            boolean deleted) {
        assertEquals(outcome, r.path("outcome").asText(), r.toString());
        assertEquals(folder, r.path("folder").asText(), r.toString());
        assertEquals(matchedBy, r.path("matched_by").asText(), r.toString());
        assertEquals(decidedBy != null, r.has("decided_by"), r.toString());
        if (decidedBy != null) {
            assertEquals(decidedBy, r.path("decided_by").asText(), r.toString());
        }
        assertEquals(deleted, r.path("deleted").asBoolean(), r.toString());
        assertEquals("inbound", r.path("direction").asText(), r.toString());
        assertTrue(r.has("accepted") && r.has("seen_at") && !r.has("reason"), r.toString());
    }

    static double count(String page, String kind, String outcome) {
        return Scrapes.value(page, "mailprobe_filter_samples_total", "route=\"" + ROUTE + "\"",
                "direction=\"inbound\"", "kind=\"" + kind + "\"", "outcome=\"" + outcome + "\"");
    }

    @Test
    void aRejectionAndAFailedSendAreRecordedWithTheirEvidenceWithoutALook() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (ScriptedServer mx = new ScriptedServer("220 mx.test ESMTP", ScriptedServer.smtp(line ->
                line.toUpperCase(java.util.Locale.ROOT).startsWith("RCPT") ? "550 5.7.1 Refused as spam" : null))) {
            FilterRouteConfig base = route(List.of("clean"), Duration.ofSeconds(30));
            ServerConfig refusing = new ServerConfig("mx", Protocol.SMTP,
                    new ServerEndpoint("127.0.0.1", mx.port(), TlsMode.PLAIN), TestProvider.trusted(), TestProvider.FAST);
            ServerConfig nowhere = new ServerConfig("smtp", Protocol.SMTP,
                    new ServerEndpoint("127.0.0.1", closed, TlsMode.PLAIN), TestProvider.trusted(), TestProvider.FAST);
            agent(new FilterRouteConfig(ROUTE, base.interval(), base.timeout(), base.sender(), base.to(),
                    new DirectDeliveryConfig(refusing, false, "probe.test", TestProvider.trusted(), TestProvider.FAST),
                    nowhere, base.to(), base.watch(), base.variants(), null, base.samples(), base.spamTags(),
                    base.virusTags()), FilterRouteRunner.Looks.DEFAULT);

            String page = Scrapes.until("http://" + agent.web().hostPort() + "/metrics", Duration.ofSeconds(60),
                    p -> Scrapes.value(p, "mailprobe_filter_batch_last_timestamp_seconds") > 0);

            assertEquals(1, Scrapes.value(page, "mailprobe_filter_samples_total", "direction=\"inbound\"",
                    "kind=\"clean\"", "outcome=\"rejected\""), page);
            assertEquals(1, Scrapes.value(page, "mailprobe_filter_samples_total", "direction=\"outbound\"",
                    "kind=\"clean\"", "outcome=\"failed\""), page);
            List<JsonNode> records = new ArrayList<>();
            for (Path file : JournalFixture.files(dir.resolve("journal"))) {
                for (String line : JournalFixture.lines(file)) {
                    JsonNode r = JSON.readTree(line);
                    if (r.path("type").asText().equals("filter_sample")) {
                        records.add(r);
                    }
                }
            }
            JsonNode rejected = records.stream().filter(r -> r.path("direction").asText().equals("inbound"))
                    .findFirst().orElseThrow();
            assertEquals("rejected", rejected.path("outcome").asText(), rejected.toString());
            assertTrue(rejected.path("smtp_reply").asText().startsWith("550 5.7.1 Refused as spam"), rejected.toString());
            assertTrue(rejected.path("decided_by").asText().startsWith("550 5.7.1"), rejected.toString());
            assertFalse(rejected.has("reason") || rejected.has("accepted") || rejected.has("folder"), rejected.toString());
            JsonNode failed = records.stream().filter(r -> r.path("direction").asText().equals("outbound"))
                    .findFirst().orElseThrow();
            assertEquals("failed", failed.path("outcome").asText(), failed.toString());
            assertEquals("connect", failed.path("reason").asText(), failed.toString());
            assertFalse(failed.has("decided_by"), failed.toString());
        }
    }

    @Test
    void aMessageThatLooksLikeASampleButMatchesNoneIsCountedOnceHoweverOftenItIsSeenAndLeftAlone() throws Exception {
        try (Store store = imap()) {
            Folder inbox = store.getFolder("INBOX");
            MimeMessage foreign = new MimeMessage(Session.getInstance(new Properties()));
            foreign.setSubject("[mailprobe] filter sample " + ROUTE + " #1 clean");
            foreign.setText("left over from an earlier run");
            foreign.saveChanges();
            inbox.appendMessages(new Message[] {foreign});
        }
        agent(route(List.of("clean"), Duration.ofMinutes(5)), new FilterRouteRunner.Looks(Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofSeconds(30)));
        FilterRouteRunner runner = agent.filterRoutes().runners().get(0);
        await(() -> provider.inbox().size() == 2 && runner.outstanding() == 1, Duration.ofSeconds(60),
                "the sample delivered and accepted");
        try (Store store = imap()) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            for (Message m : inbox.getMessages()) {
                if (!m.getSubject().contains(" #1 ")) {
                    m.setFlag(Flags.Flag.DELETED, true); // quarantined: our sample stays outstanding
                }
            }
            inbox.close(true);
        }

        for (int i = 0; i < 3; i++) {
            runner.lookOnce();
        }

        assertEquals(1, runner.outstanding());
        String page = Scrapes.get("http://" + agent.web().hostPort() + "/metrics").body();
        assertEquals(1, Scrapes.value(page, "mailprobe_filter_unmatched_total", "route=\"" + ROUTE + "\""), page);
        assertEquals(List.of("clean"), left("INBOX"));
    }

    @Test
    void aReloadThatDropsAFilterRouteSaysToRestartAndTheRouteRunsOn() throws Exception {
        agent(route(List.of("clean"), Duration.ofSeconds(30)), FilterRouteRunner.Looks.DEFAULT);
        agent.reloadFrom(file -> config(List.of()));

        String applied = agent.reload();

        assertTrue(applied.contains("restart the agent to apply them"), applied);
        assertEquals(1, agent.filterRoutes().runners().size());
    }

    @Test
    void theLooksBackOffOnTheirOwnUntilTheSampleIsSeenAndStopEndsTheRoutesThreads() throws Exception {
        agent(route(List.of("clean"), Duration.ofSeconds(30)), new FilterRouteRunner.Looks(Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30)));

        String page = Scrapes.until("http://" + agent.web().hostPort() + "/metrics", Duration.ofSeconds(60),
                p -> Scrapes.value(p, "mailprobe_filter_samples_total", "kind=\"clean\"", "outcome=\"untouched\"") == 1);

        assertEquals(1, Scrapes.value(page, "mailprobe_filter_samples_total", "kind=\"clean\"",
                "outcome=\"untouched\""), page);
        assertEquals(0, Scrapes.value(page, "mailprobe_filter_samples_total", "outcome=\"withheld\""), page);
        assertEquals(List.of(), left("INBOX"));
        agent.close();
        agent = null;
        await(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("mailprobe-filter")), Duration.ofSeconds(30),
                "the filter threads end");
    }
}
