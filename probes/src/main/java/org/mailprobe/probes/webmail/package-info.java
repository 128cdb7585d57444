/**
 * Webmail as a user sees it: the drivers that sign in, list and open messages over HTTP (Roundcube, a
 * configurable form login), the bounded HTTP client they share, and their settings. The watching loop
 * itself is in {@code watch}. Imports the vocabulary and {@code token}.
 */
@NullMarked
package org.mailprobe.probes.webmail;

import org.jspecify.annotations.NullMarked;

