package org.mailprobe.probes.webmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.testing.Watching;

@Timeout(10)
class TokenTextTest {
    @Test
    void tokenFoundInAnHtmlPageIsUnfoldedAndUnescaped() {
        String value = Watching.SIGNER.sign(Watching.token(Watching.AGENT));
        String folded = value.replace("; s=", ";\r\n s=");
        List<String> found = TokenText.inPage("<pre>X-Mailprobe-Token: " + folded.replace("=", "&#61;")
                + "\nSubject: x</pre>");
        assertEquals(List.of(value), found);
        assertTrue(Watching.SIGNER.verify(found.get(0)).isPresent());
    }
}
