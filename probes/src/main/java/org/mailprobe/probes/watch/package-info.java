/**
 * Watching mailboxes for probes: the IMAP (IDLE), POP3 and webmail watchers on one shared loop
 * ({@code WatcherLoop}: sign-in, reconnect with back-off, quick looks while a probe is expected,
 * deletion of verified probes only). Each watcher holds one connection and reports arrivals and
 * failures to an {@link org.mailprobe.probes.ArrivalListener}. Imports the vocabulary, {@code internal},
 * {@code token}, {@code oauth} and {@code webmail} (the drivers the webmail watcher drives).
 */
@NullMarked
package org.mailprobe.probes.watch;

import org.jspecify.annotations.NullMarked;

