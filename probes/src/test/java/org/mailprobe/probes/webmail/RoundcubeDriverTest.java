package org.mailprobe.probes.webmail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RoundcubeDriverTest {
    @Test
    void baseUrlOfRoundcubeEndsInASlash() {
        assertEquals("https://h/rc/", RoundcubeDriver.baseOf(URI.create("https://h/rc?_task=mail")));
        assertEquals("https://h/rc/index.php", RoundcubeDriver.baseOf(URI.create("https://h/rc/index.php")));
    }
}
