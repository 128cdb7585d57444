package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.runtime.Agent;
import org.mailprobe.agent.runtime.HangupSignal;
import org.mailprobe.agent.web.ListenAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The agent: runs every configured route until stopped (SIGTERM or Ctrl-C). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the agent: probe every route on its schedule and serve Prometheus metrics until stopped.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
    Path config;

    @Mixin
    WebOptions web;

    @Override
    public Integer call() throws Exception {
        AgentConfig loaded = ConfigLoader.load(config);
        return runUntilStopped(new Agent(loaded, ListenAddress.parse(web.listenAddress), web.webConfig(), outcome -> { }));
    }

    /** Starts the agent, stops it on SIGTERM/SIGINT, and waits. */
    static int runUntilStopped(Agent agent) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "mailprobe-shutdown"));
        agent.start();
        HangupSignal.install(() -> {
            try {
                agent.reload();
            } catch (Exception e) {
                // Already logged with every problem; the running config stays in force.
            }
        });
        stopped.await();
        return ExitCodes.OK;
    }
}
