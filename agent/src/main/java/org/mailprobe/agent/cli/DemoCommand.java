package org.mailprobe.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.Durations;
import org.mailprobe.agent.demo.DemoProvider;
import org.mailprobe.agent.runtime.Agent;
import org.mailprobe.agent.web.ListenAddress;
import org.mailprobe.probes.ProbeClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The agent against an in-process GreenMail provider: works on a machine with no mail server. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the agent against an embedded mail provider (GreenMail on 127.0.0.1: SMTP, IMAP, POP3),",
            "probing a loop route and a receive route, each watched on IMAP and POP3, and serve the metrics."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    WebOptions web;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "Time between demo probes (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--pop3-poll", paramLabel = "DURATION", defaultValue = "1s",
            description = "POP3 poll interval (default: ${DEFAULT-VALUE}).")
    String pop3Poll;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop after this long (default: run until Ctrl-C).")
    @Nullable String duration;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration every = parse("--interval", interval);
        Duration poll = parse("--pop3-poll", pop3Poll);
        Duration stopAfter = duration == null ? null : parse("--duration", duration);
        DemoProvider provider = new DemoProvider();
        Agent agent;
        try {
            agent = new Agent(provider.config(every, poll), ListenAddress.parse(web.listenAddress), web.webConfig(),
                    outcome -> { }, ProbeClock.system());
        } catch (Exception e) {
            provider.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            provider.close();
        }, "mailprobe-demo-shutdown"));
        agent.start();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("mailprobe demo is running.%n");
        out.printf("  provider: GreenMail on 127.0.0.1 (smtp %d, imap %d, pop3 %d), mailbox %s%n", provider.smtpPort(),
                provider.imapPort(), provider.pop3Port(), DemoProvider.ADDRESS);
        out.printf("  route demo-loop: a probe every %s submitted with a login, watched by IMAP IDLE and POP3 (poll %s)%n",
                interval, pop3Poll);
        out.printf("  route demo-receive: a probe every %s delivered as a source MTA to the SMTP port, watched alike%n",
                interval);
        out.printf("  metrics: http://%s/metrics%n", agent.web().hostPort());
        out.printf("  try: curl -s http://%s/metrics | grep mailprobe_delivery_delay_seconds_count%n",
                agent.web().hostPort());
        out.printf(stopAfter == null ? "Press Ctrl-C to stop.%n" : "Stopping after %s.%n", duration);
        out.flush();
        if (stopAfter == null) {
            Thread.currentThread().join();
        } else {
            Thread.sleep(stopAfter.toMillis());
            System.exit(ExitCodes.OK);
        }
        return ExitCodes.OK;
    }

    private static Duration parse(String flag, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
