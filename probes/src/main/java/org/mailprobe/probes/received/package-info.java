/**
 * Reading a delivered message's trace: the {@code Received:} header parser (RFC 5322 dates, comments,
 * address literals, the probe token a hop may carry), the chain of hops it yields, and the send-leg
 * estimate of when the provider handed the probe on. Pure text work on bounded input: no I/O, and it
 * imports nothing of the library.
 */
@NullMarked
package org.mailprobe.probes.received;

import org.jspecify.annotations.NullMarked;

