package org.mailprobe.agent.cli;

/** Process exit codes. The {@code probe} command's nagios output uses the monitoring-plugin codes. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The agent stopped because of a fault, or a probe failed (text and json output). */
    public static final int FAILURE = 1;
    /** Bad command line or bad configuration: nothing was run. */
    public static final int USAGE = 2;

    public static final int NAGIOS_OK = 0;
    public static final int NAGIOS_WARNING = 1;
    public static final int NAGIOS_CRITICAL = 2;
    public static final int NAGIOS_UNKNOWN = 3;

    private ExitCodes() {}
}
