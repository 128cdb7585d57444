/**
 * Clause 2's evidence: {@link org.mailprobe.probes.reachability.ReachabilityCheck} connects to one
 * endpoint (SMTP, submission, IMAP, POP3, HTTPS), runs the protocol's greeting, TLS and optional
 * sign-in dialogue under a deadline, and says up or why not, stage by stage. Imports the vocabulary,
 * {@code internal} and {@code oauth}.
 */
@NullMarked
package org.mailprobe.probes.reachability;

import org.jspecify.annotations.NullMarked;

