package org.mailprobe.agent;

import org.mailprobe.agent.cli.MailprobeCommand;
import org.mailprobe.agent.runtime.UncaughtErrors;
import org.mailprobe.agent.web.JdkServerLimits;
import picocli.CommandLine;

/** The runnable jar's entry point: parse the command line and run the chosen command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        UncaughtErrors.install();
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code; for tests and for {@link #main}. */
    public static int run(String... args) {
        Logging.routeJavaUtilLogging();
        // Before any HTTP server of the JDK's is made: it reads its limits once per JVM.
        JdkServerLimits.apply();
        return MailprobeCommand.commandLine(args).execute(args);
    }
}
