/**
 * The send leg's far end: {@link org.mailprobe.probes.sink.ProbeSink}, a small SMTP server that accepts
 * only verified probes for the domains it is told, dates each at its MAIL FROM, refuses replays and
 * anything else, and reports every delivery and refusal to a listener. Imports the vocabulary,
 * {@code internal} and {@code token}.
 */
@NullMarked
package org.mailprobe.probes.sink;

import org.jspecify.annotations.NullMarked;

