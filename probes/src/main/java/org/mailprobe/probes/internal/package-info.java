/**
 * Socket, TLS and read-bound plumbing shared by the probes: sockets that time each stage, reads that
 * refuse an endless line or literal, the watchdog that closes a stalled socket, the DNS lookup under a
 * deadline, and the one place a failure becomes a {@link org.mailprobe.probes.Reason}
 * ({@link org.mailprobe.probes.internal.FailureClassifier}). Not API: public only so the library's own
 * packages can share it; the agent must not use it (a test checks). It imports only the vocabulary at
 * {@code org.mailprobe.probes}.
 */
@NullMarked
package org.mailprobe.probes.internal;

import org.jspecify.annotations.NullMarked;

