package org.mailprobe.probes.received;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What GreenMail 2.1 really writes, read back through the parser (the corpus's greenmail-2.1.txt). */
@Timeout(30)
class ReceivedFromGreenMailTest {
    @Test
    void greenMailsOwnReceivedHeaderGivesClientAddressHeloAndTheSecondItWasWritten() throws Exception {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp"));
        greenMail.start();
        try {
            Properties props = new Properties();
            props.setProperty("mail.smtp.host", "127.0.0.1");
            props.setProperty("mail.smtp.port", String.valueOf(greenMail.getSmtp().getPort()));
            props.setProperty("mail.smtp.localhost", "agent.example.test");
            props.setProperty("mail.smtp.connectiontimeout", "5000");
            props.setProperty("mail.smtp.timeout", "5000");
            MimeMessage message = new MimeMessage(Session.getInstance(props));
            message.setFrom(new InternetAddress("probe@example.test"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("box@example.test"));
            message.setSubject("received capture");
            message.setText("capture");
            Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Transport.send(message);
            Instant after = Instant.now();

            String[] values = greenMail.getReceivedMessages()[0].getHeader("Received");
            System.out.println("captured Received: " + Arrays.toString(values));
            ReceivedChain chain = ReceivedChain.parse(Arrays.asList(values));

            assertEquals(1, chain.hops().size());
            ReceivedHop hop = chain.hops().get(0);
            assertEquals("127.0.0.1", hop.from());
            assertEquals("127.0.0.1", hop.fromAddress());
            assertNull(hop.by(), "GreenMail writes no by clause");
            assertNull(hop.with());
            if (zoneIsReadable()) {
                assertNotNull(hop.timestamp(), "Date#toString() form in the JVM's zone: " + hop.raw());
                assertTrue(!hop.timestamp().isBefore(before) && !hop.timestamp().isAfter(after),
                        hop.timestamp() + " not within " + before + " .. " + after);
            } else {
                assertNull(hop.timestamp(), "an ambiguous zone name must give no instant: " + hop.raw());
            }
            assertTrue(hop.raw().contains("(HELO agent.example.test)"), hop.raw());
        } finally {
            greenMail.stop();
        }
    }

    /**
     * GreenMail stamps {@code Date#toString()}, whose zone is the JVM's abbreviation (UTC, CET) or
     * {@code GMT+05:30}; an abbreviation outside {@link MailDate#ZONES} (IST, say) is ambiguous and
     * rightly gives no instant, so the test holds in every zone.
     */
    private static boolean zoneIsReadable() {
        TimeZone zone = TimeZone.getDefault();
        String name = zone.getDisplayName(zone.inDaylightTime(new Date()), TimeZone.SHORT, Locale.US);
        return MailDate.ZONES.containsKey(name) || name.startsWith("GMT");
    }
}
