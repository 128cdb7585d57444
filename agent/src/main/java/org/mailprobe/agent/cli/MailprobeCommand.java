package org.mailprobe.agent.cli;

import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.runtime.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command: only dispatches to its subcommands. */
@Command(name = "mailprobe", mixinStandardHelpOptions = true, versionProvider = MailprobeCommand.VersionProvider.class,
        description = "Synthetic mail probe agent: the customer's independent witness of a mail provider's SLA.",
        subcommands = {RunCommand.class, DemoCommand.class, ProbeCommand.class, SinkCommand.class, CheckConfigCommand.class,
            JournalCommand.class, ReportCommand.class,
            CommandLine.HelpCommand.class})
public final class MailprobeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** The command line with our error handling: a config error is one plain sentence, exit 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MailprobeCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("mailprobe: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            commandLine.getErr().println("mailprobe: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCodes.FAILURE;
        });
        return cl;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mailprobe " + Version.current() + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
