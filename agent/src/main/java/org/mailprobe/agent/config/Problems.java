package org.mailprobe.agent.config;

import java.util.ArrayList;
import java.util.List;

/** Collects what is wrong with one config file, each as {@code <file>: <where>: <what>}. */
final class Problems {
    private final String file;
    private final List<String> found = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** {@code where} is a key path such as {@code routes[0].watch[1].server}, or a file position. */
    void add(String where, String what) {
        found.add(file + ": " + where + ": " + what);
    }

    /** A problem with the file as a whole. */
    void addFile(String what) {
        found.add(file + ": " + what);
    }

    /** The same sentence as {@link #add}, for a warning that does not stop the load. */
    String format(String where, String what) {
        return file + ": " + where + ": " + what;
    }

    /** Adds the problems found in another file (a file this one refers to). */
    void addAll(Problems other) {
        found.addAll(other.found);
    }

    int count() {
        return found.size();
    }

    void throwIfAny() throws ConfigException {
        if (!found.isEmpty()) {
            throw new ConfigException(found);
        }
    }
}
