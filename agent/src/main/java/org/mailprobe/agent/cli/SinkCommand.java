package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.runtime.Agent;
import org.mailprobe.agent.web.ListenAddress;
import org.mailprobe.probes.ProbeClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Only the sink, on the one host that can take inbound port 25: agents elsewhere read its
 * deliveries from {@code /sink/deliveries} ({@code sink: remote:} in their configs).
 */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = {"Run only the SMTP sink of a config (its sink: section), for send routes of agents elsewhere.",
            "It serves its deliveries at /sink/deliveries and its metrics at /metrics until stopped.",
            "Routes, endpoints and the journal of the config are not run."})
final class SinkCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "A config with agent (id, site, key_file: the key the agents sign with) and sink sections.")
    Path config;

    @Mixin
    WebOptions web;

    @Override
    public Integer call() throws Exception {
        ProbeClock clock = ProbeClock.system();
        AgentConfig loaded = ConfigLoader.load(config, clock);
        if (loaded.sink() == null) {
            throw new IllegalArgumentException(config + ": sink: is required for the sink command (docs/CONFIG.md)");
        }
        if (loaded.sink().remote() != null) {
            throw new IllegalArgumentException(config + ": sink.remote: the sink command runs a sink itself; give "
                    + "listen and domains instead");
        }
        AgentConfig sinkOnly = new AgentConfig(loaded.source(), loaded.agent(), loaded.servers(), loaded.accounts(),
                List.of(), ReachabilityConfig.NONE, null, loaded.sink());
        return RunCommand.runUntilStopped(new Agent(sinkOnly, ListenAddress.parse(web.listenAddress), web.webConfig(),
                outcome -> { }, clock));
    }
}
