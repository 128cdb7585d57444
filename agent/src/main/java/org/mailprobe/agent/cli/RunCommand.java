package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.runtime.Agent;
import org.mailprobe.agent.runtime.HangupSignal;
import org.mailprobe.agent.web.ListenAddress;
import org.mailprobe.probes.ProbeClock;
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
        // The program's one clock: the config's OAuth token sources and the agent take it.
        ProbeClock clock = ProbeClock.system();
        AgentConfig loaded = ConfigLoader.load(config, clock);
        return runUntilStopped(new Agent(loaded, ListenAddress.parse(web.listenAddress), web.webConfig(), outcome -> { },
                clock));
    }

    /** Starts the agent, stops it on SIGTERM/SIGINT, and waits. */
    static int runUntilStopped(Agent agent) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "mailprobe-shutdown"));
        // The handler goes in before the agent starts: a SIGHUP that came between a started agent and
        // its handler would take the JVM's default action and stop the agent. One that comes while
        // the agent starts waits for it, so the reload applies to the agent as started.
        CountDownLatch started = new CountDownLatch(1);
        HangupSignal.install(() -> {
            try {
                started.await();
                agent.reload();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // Already logged with every problem; the running config stays in force.
            }
        });
        agent.start();
        started.countDown();
        stopped.await();
        return ExitCodes.OK;
    }
}
