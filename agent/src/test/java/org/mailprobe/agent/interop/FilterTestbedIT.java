package org.mailprobe.agent.interop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.activation.DataHandler;
import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.SubjectTerm;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.testing.Testbed;

/**
 * The testbed's real content filters (deploy/testbed/filter-mode: ClamAV with a local EICAR
 * signature, SpamAssassin, MIMEDefang, Dovecot Sieve) in each mode: EICAR as an attachment, in a
 * zip, in a zip in a zip, as an inline base64 part and inside a nested multipart/alternative,
 * GTUBE and a clean message go by raw SMTP to Postfix's port 25, and
 * IMAP (or Postfix's queue) shows what the provider did with each. The mode is put back to
 * {@code off} after the class, also when a test fails. User 3 receives (it is no one's watcher).
 */
@Timeout(300)
class FilterTestbedIT {
    static final int USER = 3;
    static final Duration ARRIVAL = Duration.ofSeconds(60);
    // The EICAR test file and GTUBE are assembled from parts at run time: a scanner on a developer's
    // machine may quarantine a source file that holds either whole.
    static final byte[] EICAR = String.join("", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-",
            "TEST-FILE!$H+H*").getBytes(US_ASCII);
    static final String GTUBE = String.join("", "XJS*C4JDBQADN1.NSBN3*2IDNEN*", "GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL",
            "*C.34X");
    static final String CLEAN_ATTACHMENT = "Minutes of the meeting: nothing to report.\n";
    static final List<String> VIRUSES = List.of("eicar", "eicar-zip", "eicar-nested-zip", "eicar-inline-base64",
            "eicar-multipart-alternative");
    static final ObjectMapper JSON = new ObjectMapper();
    static Testbed bed;

    @BeforeAll
    static void testbedIsUp() {
        bed = Testbed.load();
    }

    /** Also after a failed test: mode off, and no sample of this class left in the mailbox or the hold queue. */
    @AfterAll
    static void filteringIsOffAgainAndTheSamplesAreGone() throws Exception {
        filterMode("off");
        assertEquals("off", filterMode(), "the filter mode was not put back to off");
        try (Look look = new Look()) {
            look.removeAllSamples();
        }
        for (String line : run(List.of("postqueue", "-j")).lines().toList()) {
            JsonNode queued = JSON.readTree(line);
            String sender = queued.path("sender").asText();
            if (sender.startsWith("filter-") && sender.endsWith("@elsewhere.test")) {
                run(List.of("postsuper", "-d", queued.path("queue_id").asText()));
            }
        }
    }

    @Test
    void modeOffDeliversEverySampleUntouchedToTheInbox() throws Exception {
        filterMode("off");
        Batch batch = Batch.send();

        for (String variant : Batch.VARIANTS) {
            assertTrue(batch.reply(variant).startsWith("250"), variant + ": " + batch.reply(variant));
        }
        try (Look look = new Look()) {
            for (String variant : Batch.VARIANTS) {
                Seen seen = look.await(batch.messageId(variant));
                assertNotNull(seen, variant + " never arrived");
                assertEquals("INBOX", seen.folder(), variant);
                assertNull(seen.header("X-Spam-Flag"), variant);
                assertNull(seen.header("X-Virus-Status"), variant);
                assertTrue(intact(variant, seen.message()), variant + " arrived changed");
            }
            look.remove(batch);
        }
    }

    @Test
    void modeRejectRefusesEveryVirusAndTheSpamAfterDataAndDeliversTheCleanMessage() throws Exception {
        filterMode("reject");
        Batch batch = Batch.send();

        for (String variant : VIRUSES) {
            String reply = batch.reply(variant);
            assertTrue(reply.startsWith("550") && reply.contains("Virus found"), variant + ": " + reply);
        }
        assertTrue(batch.reply("gtube").startsWith("550") && batch.reply("gtube").contains("spam"), batch.reply("gtube"));
        assertTrue(batch.reply("clean").startsWith("250"), batch.reply("clean"));
        try (Look look = new Look()) {
            Seen clean = look.await(batch.messageId("clean"));
            assertNotNull(clean, "the clean message never arrived");
            assertEquals("INBOX", clean.folder());
            assertTrue(intact("clean", clean.message()), "the clean message arrived changed");
            look.remove(batch);
        }
    }

    @Test
    void modeTagDeliversToTheInboxWithVirusAndSpamHeaders() throws Exception {
        filterMode("tag");
        Batch batch = Batch.send();

        try (Look look = new Look()) {
            for (String variant : VIRUSES) {
                Seen seen = look.awaitAccepted(batch, variant);
                assertEquals("INBOX", seen.folder(), variant);
                assertTrue(startsWith(seen.header("X-Virus-Status"), "Infected"), variant + ": " + seen.header("X-Virus-Status"));
            }
            Seen gtube = look.awaitAccepted(batch, "gtube");
            assertEquals("INBOX", gtube.folder());
            assertTrue(startsWith(gtube.header("X-Spam-Flag"), "YES"), String.valueOf(gtube.header("X-Spam-Flag")));
            Seen clean = look.awaitAccepted(batch, "clean");
            assertEquals("INBOX", clean.folder());
            assertNull(clean.header("X-Spam-Flag"));
            assertTrue(startsWith(clean.header("X-Virus-Status"), "Clean"), String.valueOf(clean.header("X-Virus-Status")));
            assertTrue(intact("clean", clean.message()), "the clean message arrived changed");
            look.remove(batch);
        }
    }

    @Test
    void modeQuarantineHoldsEveryVirusAndTheSpamAndDeliversTheCleanMessage() throws Exception {
        filterMode("quarantine");
        Batch batch = Batch.send();

        for (String variant : Batch.VARIANTS) {
            assertTrue(batch.reply(variant).startsWith("250"), variant + ": " + batch.reply(variant));
        }
        try (Look look = new Look()) {
            Seen clean = look.await(batch.messageId("clean"));
            assertNotNull(clean, "the clean message never arrived");
            assertEquals("INBOX", clean.folder());
            List<String> heldIds = new ArrayList<>();
            List<String> held = new ArrayList<>(VIRUSES);
            held.add("gtube");
            for (String variant : held) {
                String queueId = awaitHeld(batch.sender(variant));
                assertNotNull(queueId, variant + " is not in Postfix's hold queue");
                heldIds.add(queueId);
                assertNull(look.find(batch.messageId(variant)), variant + " was delivered");
            }
            assertNull(awaitHeld(batch.sender("clean"), Duration.ZERO), "the clean message was held");
            look.remove(batch);
            List<String> delete = new ArrayList<>(List.of("postsuper"));
            for (String id : heldIds) {
                delete.addAll(List.of("-d", id));
            }
            run(delete);
        }
    }

    @Test
    void modeJunkFilesTheSpamIntoJunkAndTagsEveryVirusInTheInbox() throws Exception {
        filterMode("junk");
        Batch batch = Batch.send();

        try (Look look = new Look()) {
            Seen gtube = look.awaitAccepted(batch, "gtube");
            assertEquals("Junk", gtube.folder());
            assertTrue(startsWith(gtube.header("X-Spam-Flag"), "YES"), String.valueOf(gtube.header("X-Spam-Flag")));
            assertFalse(seenByPop3(batch.messageId("gtube")), "POP3 sees the message in Junk");
            for (String variant : VIRUSES) {
                Seen seen = look.awaitAccepted(batch, variant);
                assertEquals("INBOX", seen.folder(), variant);
                assertTrue(startsWith(seen.header("X-Virus-Status"), "Infected"), variant + ": " + seen.header("X-Virus-Status"));
            }
            Seen clean = look.awaitAccepted(batch, "clean");
            assertEquals("INBOX", clean.folder());
            assertTrue(intact("clean", clean.message()), "the clean message arrived changed");
            look.remove(batch);
        }
    }

    @Test
    void modeCleanReplacesEveryInfectedAttachmentByAWarningAndDeliversTheRest() throws Exception {
        filterMode("clean");
        Batch batch = Batch.send();

        try (Look look = new Look()) {
            for (String variant : VIRUSES) {
                Seen seen = look.awaitAccepted(batch, variant);
                assertEquals("INBOX", seen.folder(), variant);
                assertFalse(containsEicar(seen.message()), variant + " still holds the EICAR file");
                String text = texts(seen.message());
                assertTrue(text.contains("Some words before the attachment."), variant + " lost its text: " + text);
                assertTrue(text.contains("was removed"), variant + " has no warning: " + text);
            }
            Seen gtube = look.awaitAccepted(batch, "gtube");
            assertEquals("INBOX", gtube.folder());
            assertTrue(startsWith(gtube.header("X-Spam-Flag"), "YES"), String.valueOf(gtube.header("X-Spam-Flag")));
            Seen clean = look.awaitAccepted(batch, "clean");
            assertTrue(intact("clean", clean.message()), "the clean message arrived changed");
            look.remove(batch);
        }
    }

    @Test
    void everyMailboxHasASubscribedJunkFolderMarkedSpecialUseJunk() throws Exception {
        try (Store store = Mailbox.open(bed, bed.account(USER))) {
            Folder junk = store.getFolder("Junk");
            assertTrue(junk.exists(), "no Junk folder");
            assertTrue(junk.isSubscribed(), "Junk is not subscribed");
            assertTrue(Arrays.asList(((IMAPFolder) junk).getAttributes()).contains("\\Junk"),
                    Arrays.toString(((IMAPFolder) junk).getAttributes()));
        }
    }

    // ---- the samples -----------------------------------------------------------------------------

    /** One message of each variant, sent by raw SMTP to port 25; the last reply to each kept. */
    record Batch(String run, Map<String, String> replies) {
        static final List<String> VARIANTS = List.of("eicar", "eicar-zip", "eicar-nested-zip", "eicar-inline-base64",
                "eicar-multipart-alternative", "gtube", "clean");

        static Batch send() throws Exception {
            String run = UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> replies = new LinkedHashMap<>();
            for (String variant : VARIANTS) {
                Batch b = new Batch(run, replies);
                replies.put(variant, Smtp.send(b.sender(variant), bed.user(USER), b.message(variant)));
            }
            return new Batch(run, replies);
        }

        String reply(String variant) {
            return replies.getOrDefault(variant, "(not sent)");
        }

        String messageId(String variant) {
            return "<" + run + "-" + variant + "@filter.test>";
        }

        /** A sender of its own per message, by which Postfix's queue listing tells them apart. */
        String sender(String variant) {
            return "filter-" + run + "-" + variant + "@elsewhere.test";
        }

        byte[] message(String variant) throws Exception {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId(variant));
                }
            };
            m.setFrom(new InternetAddress(sender(variant)));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(bed.user(USER)));
            m.setSubject("filter testbed " + run + " " + variant);
            m.setSentDate(java.util.Date.from(Instant.now()));
            switch (variant) {
                case "gtube" -> m.setText("A spam sample.\n" + GTUBE + "\n", "us-ascii");
                case "clean" -> m.setContent(mixed("A clean control message.",
                        attachment(CLEAN_ATTACHMENT.getBytes(US_ASCII), "text/plain", "notes.txt")));
                case "eicar" -> m.setContent(mixed("Some words before the attachment.",
                        attachment(EICAR, "application/octet-stream", "eicar.com")));
                case "eicar-zip" -> m.setContent(mixed("Some words before the attachment.",
                        attachment(zip("eicar.com", EICAR), "application/zip", "eicar.zip")));
                case "eicar-nested-zip" -> m.setContent(mixed("Some words before the attachment.",
                        attachment(zip("inner.zip", zip("eicar.com", EICAR)), "application/zip", "nested.zip")));
                case "eicar-inline-base64" -> {
                    MimeBodyPart inline = attachment(EICAR, "application/octet-stream", "eicar.com");
                    inline.setDisposition(Part.INLINE);
                    m.setContent(mixed("Some words before the attachment.", inline));
                }
                case "eicar-multipart-alternative" -> {
                    MimeBodyPart plain = new MimeBodyPart();
                    plain.setText("An alternative.\n", "us-ascii");
                    MimeBodyPart nested = new MimeBodyPart();
                    nested.setContent(new MimeMultipart("alternative", plain,
                            attachment(EICAR, "application/octet-stream", "eicar.com")));
                    m.setContent(mixed("Some words before the attachment.", nested));
                }
                default -> throw new IllegalArgumentException(variant);
            }
            m.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        }
    }

    static MimeMultipart mixed(String text, MimeBodyPart attachment) throws MessagingException {
        MimeBodyPart body = new MimeBodyPart();
        body.setText(text + "\n", "us-ascii");
        return new MimeMultipart(body, attachment);
    }

    static MimeBodyPart attachment(byte[] content, String type, String name) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
        part.setFileName(name);
        part.setDisposition(Part.ATTACHMENT);
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    // ---- what arrived ------------------------------------------------------------------------------

    /** Whether a delivered sample still has its payload (virus, GTUBE) or, for clean, its attachment. */
    static boolean intact(String variant, Message m) throws Exception {
        return switch (variant) {
            case "gtube" -> texts(m).contains(GTUBE);
            case "clean" -> texts(m).contains("A clean control message.") && texts(m).contains(CLEAN_ATTACHMENT);
            default -> containsEicar(m);
        };
    }

    static boolean containsEicar(Part part) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                if (containsEicar(mp.getBodyPart(i))) {
                    return true;
                }
            }
            return false;
        }
        try (InputStream in = part.getInputStream()) {
            return containsEicar(in.readAllBytes(), 0);
        }
    }

    /** EICAR in these bytes, or in any (nested) zip they are. */
    static boolean containsEicar(byte[] bytes, int depth) throws IOException {
        if (indexOf(bytes, EICAR) >= 0) {
            return true;
        }
        if (depth > 3 || bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            return false;
        }
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (containsEicar(zip.readAllBytes(), depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Every text/plain part, decoded, one after the other. */
    static String texts(Part part) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                all.append(texts(p));
            }
            return all.toString();
        }
        if (part.isMimeType("text/plain")) {
            try (InputStream in = part.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            }
        }
        return "";
    }

    static boolean startsWith(@Nullable String value, String prefix) {
        return value != null && value.strip().toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
    }

    record Seen(String folder, Message message) {
        @Nullable
        String header(String name) throws MessagingException {
            String[] values = message.getHeader(name);
            return values == null || values.length == 0 ? null : values[0];
        }
    }

    /** One IMAP session on user 3's INBOX and Junk. */
    static final class Look implements AutoCloseable {
        final Store store;
        final List<Folder> folders = new ArrayList<>();

        Look() throws MessagingException {
            store = Mailbox.open(bed, bed.account(USER));
            for (String name : List.of("INBOX", "Junk")) {
                Folder f = store.getFolder(name);
                f.open(Folder.READ_WRITE);
                folders.add(f);
            }
        }

        @Nullable
        Seen find(String messageId) throws MessagingException {
            for (Folder f : folders) {
                Message[] found = f.search(new HeaderTerm("Message-ID", messageId));
                if (found.length > 0) {
                    return new Seen(f.getName(), found[0]);
                }
            }
            return null;
        }

        /** The message in INBOX or Junk, waited for up to ARRIVAL; null if it never came. */
        @Nullable
        Seen await(String messageId) throws MessagingException, InterruptedException {
            Instant until = Instant.now().plus(ARRIVAL);
            while (true) {
                Seen seen = find(messageId);
                if (seen != null || Instant.now().isAfter(until)) {
                    return seen;
                }
                Thread.sleep(100);
            }
        }

        /** As await, for a sample whose DATA must have been answered 250 and which must arrive. */
        Seen awaitAccepted(Batch batch, String variant) throws MessagingException, InterruptedException {
            assertTrue(batch.reply(variant).startsWith("250"), variant + ": " + batch.reply(variant));
            Seen seen = await(batch.messageId(variant));
            assertNotNull(seen, variant + " never arrived");
            return seen;
        }

        /** Deletes this batch's messages (the user's own are never touched). */
        void remove(Batch batch) throws MessagingException {
            for (Folder f : folders) {
                for (String variant : Batch.VARIANTS) {
                    for (Message m : f.search(new HeaderTerm("Message-ID", batch.messageId(variant)))) {
                        m.setFlag(Flags.Flag.DELETED, true);
                    }
                }
                f.expunge();
            }
        }

        /** Deletes every message this class sent (its subject says so), from any run. */
        void removeAllSamples() throws MessagingException {
            for (Folder f : folders) {
                for (Message m : f.search(new SubjectTerm("filter testbed "))) {
                    m.setFlag(Flags.Flag.DELETED, true);
                }
                f.expunge();
            }
        }

        @Override
        public void close() throws MessagingException {
            for (Folder f : folders) {
                if (f.isOpen()) {
                    f.close(false);
                }
            }
            store.close();
        }
    }

    /** Whether a POP3 session (which sees the INBOX only) lists the message. */
    static boolean seenByPop3(String messageId) throws MessagingException {
        ServerEndpoint pop3s = bed.pop3s();
        Session session = MailSessions.session(MailSessions.properties("pop3", pop3s, bed.tls(),
                new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20)), "interop.test", Instant.now(),
                Instant.now().plusSeconds(60)));
        try (Store store = session.getStore("pop3s")) {
            store.connect(pop3s.host(), pop3s.port(), bed.account(USER).user(), bed.account(USER).password().reveal());
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                for (Message m : inbox.getMessages()) {
                    String[] ids = m.getHeader("Message-ID");
                    if (ids != null && Arrays.asList(ids).contains(messageId)) {
                        return true;
                    }
                }
                return false;
            } finally {
                inbox.close(false);
            }
        }
    }

    // ---- Postfix's hold queue and the testbed's scripts --------------------------------------------

    static @Nullable String awaitHeld(String sender) throws Exception {
        return awaitHeld(sender, ARRIVAL);
    }

    /** The queue ID of the message from {@code sender} in Postfix's hold queue, waited for; or null. */
    static @Nullable String awaitHeld(String sender, Duration within) throws Exception {
        Instant until = Instant.now().plus(within);
        while (true) {
            // One JSON object per queued message.
            for (String line : run(List.of("postqueue", "-j")).lines().toList()) {
                JsonNode queued = JSON.readTree(line);
                if ("hold".equals(queued.path("queue_name").asText()) && sender.equals(queued.path("sender").asText())) {
                    return queued.path("queue_id").asText();
                }
            }
            if (Instant.now().isAfter(until)) {
                return null;
            }
            Thread.sleep(100);
        }
    }

    /** Switches the testbed's filters to {@code mode}; {@code flags} such as {@code --strip-token} after it. */
    static void filterMode(String mode, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(script("filter-mode").toString(), mode));
        command.addAll(List.of(flags));
        run(command);
    }

    static String filterMode() throws Exception {
        return run(List.of(script("filter-mode").toString())).strip();
    }

    static Path script(String name) {
        // Failsafe runs in the agent module's directory; the scripts are the repository's.
        Path script = Path.of("").toAbsolutePath().resolveSibling("deploy").resolve("testbed").resolve(name);
        assertTrue(Files.isExecutable(script), "no executable " + script);
        return script;
    }

    /** Runs a command (as root: through sudo when the tests are not), its standard output if it exits 0. */
    static String run(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("sudo", "-n"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running after 60 s: " + full);
        assertEquals(0, p.exitValue(), full + " failed: " + out);
        return out;
    }

    /** A plain SMTP client on port 25, as another MTA delivering: no TLS, the provider's replies kept. */
    static final class Smtp {
        private Smtp() {}

        /** The reply to DATA's end, or the first refusal before it. */
        static String send(String from, String to, byte[] message) throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(bed.host(), bed.port("SMTP_PORT")), 10_000);
                s.setSoTimeout(60_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII));
                OutputStream out = s.getOutputStream();
                String reply = reply(in);
                for (String command : List.of("EHLO filter.test", "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA")) {
                    if (!reply.startsWith("2") && !reply.startsWith("3")) {
                        return reply;
                    }
                    out.write((command + "\r\n").getBytes(US_ASCII));
                    out.flush();
                    reply = reply(in);
                }
                if (!reply.startsWith("354")) {
                    return reply;
                }
                out.write(dotStuffed(message));
                out.write(".\r\n".getBytes(US_ASCII));
                out.flush();
                reply = reply(in);
                out.write("QUIT\r\n".getBytes(US_ASCII));
                out.flush();
                return reply;
            }
        }

        static String reply(BufferedReader in) throws IOException {
            StringBuilder all = new StringBuilder();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed after: " + all);
                }
                all.append(line).append(' ');
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return all.toString().strip();
                }
            }
        }

        static byte[] dotStuffed(byte[] message) {
            String text = new String(message, US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n");
            if (!text.endsWith("\r\n")) {
                text += "\r\n";
            }
            return text.replace("\r\n.", "\r\n..").replaceFirst("^\\.", "..").getBytes(US_ASCII);
        }
    }
}
