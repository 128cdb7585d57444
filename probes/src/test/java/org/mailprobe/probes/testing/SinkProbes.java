package org.mailprobe.probes.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.sink.SinkSettings;
import org.mailprobe.probes.token.TokenSigner;

/** What the sink's tests and the fault matrix send a probe sink: its key, domain, recipient and tokens. */
public final class SinkProbes {
    public static final TokenSigner SIGNER =
            new TokenSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    public static final String DOMAIN = "sink.test";
    public static final String RCPT = "probe@" + DOMAIN;

    private SinkProbes() {}

    /** A sink on a free loopback port for {@link #DOMAIN}. */
    public static SinkSettings settings() {
        return SinkSettings.of(new InetSocketAddress("127.0.0.1", 0), Set.of(DOMAIN), "sink.test.invalid");
    }

    /** A send-leg token dated now, in milliseconds as the header carries it. */
    public static ProbeToken token(long seq) {
        return new ProbeToken("test-agent", "send-1", seq, ProbeClock.system().now().truncatedTo(ChronoUnit.MILLIS));
    }
}
