package org.mailprobe.agent.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.runtime.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command: only dispatches to its subcommands. */
@Command(name = "mailprobe", mixinStandardHelpOptions = true, versionProvider = MailprobeCommand.VersionProvider.class,
        description = "Synthetic mail probe agent: the customer's independent witness of a mail provider's SLA.")
public final class MailprobeCommand implements Runnable {
    /**
     * The subcommands in the order help lists them. Made only when needed: picocli reads every
     * option of every command it is given by reflection, and a probe by hand need not pay for
     * run's, report's and the others' (issue 13).
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("run", RunCommand::new);
        all.put("demo", DemoCommand::new);
        all.put("probe", ProbeCommand::new);
        all.put("sink", SinkCommand::new);
        all.put("check-config", CheckConfigCommand::new);
        all.put("journal", JournalCommand::new);
        all.put("report", ReportCommand::new);
        all.put("help", CommandLine.HelpCommand::new);
        return all;
    }

    /** The command line with every subcommand; see {@link #commandLine(String...)}. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line with our error handling (a config error is one plain sentence, exit 2) for
     * {@code given}: with only the subcommand they name, or every one when they name none (or
     * {@code help}, which lists them all).
     */
    public static CommandLine commandLine(String... given) {
        CommandLine cl = new CommandLine(new MailprobeCommand());
        String asked = java.util.Arrays.stream(given).filter(a -> !a.startsWith("-")).findFirst().orElse("help");
        SUBCOMMANDS.forEach((name, command) -> {
            if (name.equals(asked) || !SUBCOMMANDS.containsKey(asked) || asked.equals("help")) {
                cl.addSubcommand(name, command.get());
            }
        });
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
