package org.mailprobe.agent.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void portAloneListensOnEveryAddress() {
        InetSocketAddress a = ListenAddress.parse(":9321");
        assertTrue(a.getAddress().isAnyLocalAddress());
        assertEquals(9321, a.getPort());
    }

    @Test
    void hostAndPortAndBracketedIpv6AreAccepted() {
        assertEquals("127.0.0.1", ListenAddress.parse("127.0.0.1:0").getAddress().getHostAddress());
        assertTrue(ListenAddress.parse("[::1]:9321").getAddress().isLoopbackAddress());
    }

    @Test
    void missingOrBadPortSaysWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("localhost"))
                .getMessage().contains("has no port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(":http"))
                .getMessage().contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(":70000"))
                .getMessage().contains("outside"));
    }
}
