package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Loads and validates a config exactly as {@code run} would, and says what it found. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validate a config file (the same loader as `run`) and exit: 0 if valid, 2 if not.")
final class CheckConfigCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
    Path config;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws ConfigException {
        AgentConfig loaded = ConfigLoader.load(config);
        spec.commandLine().getOut().printf("%s: valid: agent %s at site %s, %d servers, %d accounts, %d routes%n",
                config, loaded.agent().id(), loaded.agent().site(), loaded.servers().size(), loaded.accounts().size(),
                loaded.routes().size());
        return ExitCodes.OK;
    }
}
