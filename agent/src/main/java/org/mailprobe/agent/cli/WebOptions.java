package org.mailprobe.agent.cli;

import org.mailprobe.agent.web.ListenAddress;
import picocli.CommandLine.Option;

/** The HTTP endpoint's flags, shared by {@code run} and {@code demo}. */
final class WebOptions {
    @Option(names = "--web.listen-address", paramLabel = "[HOST]:PORT", defaultValue = ListenAddress.DEFAULT,
            description = "Address for /metrics, /-/healthy and /-/ready (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listenAddress;
}
