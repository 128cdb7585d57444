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
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, args) -> {
            if (!nagios(args)) {
                return usage.handleParseException(e, args);
            }
            // A monitoring plugin's bad arguments are its own failure: UNKNOWN, not 2 (CRITICAL there).
            e.getCommandLine().getOut().println("MAILPROBE UNKNOWN - " + e.getMessage());
            e.getCommandLine().getOut().flush();
            return ExitCodes.NAGIOS_UNKNOWN;
        });
        return cl;
    }

    /** Whether the command line asks {@code probe} for nagios output. */
    static boolean nagios(String[] args) {
        java.util.List<String> list = java.util.Arrays.asList(args);
        if (!list.contains("probe")) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--output=nagios") || args[i].equals("--output") && i + 1 < args.length
                    && args[i + 1].equals("nagios")) {
                return true;
            }
        }
        return false;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mailprobe " + Version.current() + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
