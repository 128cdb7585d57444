package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReplyLimitTest {
    @Test
    void moreThanTheLimitBetweenTwoOfOurWritesFailsAsAProtocolFailure() {
        ReplyLimit limit = new ReplyLimit(100);
        InputStream in = limit.input(new ByteArrayInputStream(new byte[1000]));

        ReplyLimit.ReplyTooLongException e = assertThrows(ReplyLimit.ReplyTooLongException.class,
                () -> in.readNBytes(new byte[1000], 0, 1000));

        assertEquals(Reason.PROTOCOL, FailureClassifier.classify(new jakarta.mail.MessagingException("reading", e)));
    }

    @Test
    void ourWriteStartsANewReply() throws Exception {
        ReplyLimit limit = new ReplyLimit(100);
        InputStream in = limit.input(new ByteArrayInputStream(new byte[180]));
        OutputStream out = limit.output(new ByteArrayOutputStream());

        assertEquals(90, in.readNBytes(new byte[90], 0, 90));
        out.write("EHLO agent.test\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        assertEquals(90, in.readNBytes(new byte[90], 0, 90), "180 bytes in all, but never 100 without a write");
    }
}
