package org.mailprobe.probes.filter;

/** A corpus of samples that cannot be loaded: the message names the file (or directory) and what is wrong. */
public final class SampleCorpusException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;

    public SampleCorpusException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public SampleCorpusException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file or directory at fault, as given. */
    public String file() {
        return file;
    }
}
