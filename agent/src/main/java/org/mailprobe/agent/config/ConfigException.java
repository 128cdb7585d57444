package org.mailprobe.agent.config;

import java.util.List;

/**
 * A config file that cannot be used. Each problem is one line, {@code <file>: <key.path>: <what is
 * wrong>} (a YAML syntax error names the line and column instead of a key path). The loader reports
 * every problem it finds, not only the first, section by section. No message holds a secret's value.
 */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** One sentence per problem. */
    public List<String> problems() {
        return problems;
    }
}
