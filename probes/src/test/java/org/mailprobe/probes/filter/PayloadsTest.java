package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.internal.MailSessions;

class PayloadsTest {
    private static final Session SESSION = MailSessions.session(new Properties());

    private static MimeMessage roundTrip(MimeMessage m) throws Exception {
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return new MimeMessage(SESSION, new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    @Timeout(10)
    void sampleAsSentIsIntact() throws Exception {
        FilterSample sample = Delivered.sample(SampleKind.VIRUS, "eicar");
        Payloads.Expected expected = Payloads.of(sample.template().build(SESSION));

        assertTrue(Payloads.intact(expected, roundTrip(sample.template().build(SESSION))));
    }
}
