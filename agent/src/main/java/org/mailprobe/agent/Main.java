package org.mailprobe.agent;

import org.mailprobe.agent.cli.MailprobeCommand;
import picocli.CommandLine;

/** The runnable jar's entry point: parse the command line and run the chosen command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code; for tests and for {@link #main}. */
    public static int run(String... args) {
        Logging.routeJavaUtilLogging();
        return MailprobeCommand.commandLine().execute(args);
    }
}
