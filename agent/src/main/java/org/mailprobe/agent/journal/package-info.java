/**
 * The tamper-evident journal: hash-chained JSON lines in rotated, compressed segments, written as
 * probes end and read back in one pass ({@code JournalScan}) by {@code journal verify} and the reports.
 * Imports only {@code config}.
 */
@NullMarked
package org.mailprobe.agent.journal;

import org.jspecify.annotations.NullMarked;

