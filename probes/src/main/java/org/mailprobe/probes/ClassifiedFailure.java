package org.mailprobe.probes;

/**
 * A failure that already knows its {@link Reason}: the part that raised it understood what went
 * wrong (a webmail page it could not read, a SASL mechanism the server does not offer), so the
 * failure classifier takes its word rather than guessing from the exception's type.
 */
public interface ClassifiedFailure {
    /** What went wrong, from the closed set. */
    Reason reason();
}
