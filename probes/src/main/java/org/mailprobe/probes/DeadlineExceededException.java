package org.mailprobe.probes;

/** The probe's overall deadline passed; the watchdog closed the connection. */
public final class DeadlineExceededException extends Exception {
    public DeadlineExceededException(String what) {
        super("deadline passed during " + what);
    }
}
