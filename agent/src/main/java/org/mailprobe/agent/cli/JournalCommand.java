package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.journal.JournalVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code journal verify}: the evidence journal's chain, end to end. */
@Command(name = "journal", mixinStandardHelpOptions = true, description = "Work with the evidence journal.",
        subcommands = JournalCommand.Verify.class)
final class JournalCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check the hash chain of every segment "
            + "end to end; print the first break (segment, line, what is wrong). Exit 0 if whole, 1 if not.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--journal", required = true, paramLabel = "DIR", description = "The journal directory.")
        Path journal;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JournalVerifier.Result r = JournalVerifier.verify(journal);
            var out = spec.commandLine().getOut();
            r.notes().forEach(n -> out.println("note: " + n));
            if (r.ok()) {
                out.printf("%s: chain whole: %d segments, %d records; head seq %d, hash %s%n", journal, r.segments(),
                        r.records(), r.headSeq(), r.headHash());
                return ExitCodes.OK;
            }
            out.printf("%s: CHAIN BROKEN at %s%n", journal, r.problem());
            return ExitCodes.FAILURE;
        }
    }
}
