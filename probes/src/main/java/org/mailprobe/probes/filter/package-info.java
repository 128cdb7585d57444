/**
 * Clause 6 of the contract, measured: known samples (EICAR in several wrappers, GTUBE, the
 * customer's own labelled messages, clean controls) sent through the provider, found again in the
 * watched folders, and each classified into one closed set of {@link org.mailprobe.probes.filter.FilterOutcome}s.
 * Imports the vocabulary, {@code internal}, {@code token}, {@code submit} and {@code oauth} (the
 * collector signs in as a watcher does).
 */
@NullMarked
package org.mailprobe.probes.filter;

import org.jspecify.annotations.NullMarked;
