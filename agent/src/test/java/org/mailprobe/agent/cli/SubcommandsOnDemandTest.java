package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command line builds only the subcommand it is asked for (issue 13: a probe's start-up). */
@Timeout(30)
class SubcommandsOnDemandTest {
    static final List<String> ALL = List.of("run", "demo", "probe", "sink", "check-config", "journal", "report", "help");

    static List<String> built(String... args) {
        return List.copyOf(MailprobeCommand.commandLine(args).getSubcommands().keySet());
    }

    @Test
    void aProbeBuildsOnlyTheProbeCommand() {
        assertEquals(List.of("probe"), built("probe", "--smtp-host", "h", "--imap-host", "h"));
    }

    @Test
    void noSubcommandBuildsThemAllForTheUsage() {
        assertEquals(ALL, built("--version"));
    }

    @Test
    void helpBuildsThemAllToListThem() {
        assertEquals(ALL, built("help", "probe"));
    }

    @Test
    void anUnknownSubcommandBuildsThemAllForTheSuggestion() {
        assertEquals(ALL, built("prob"));
    }
}
