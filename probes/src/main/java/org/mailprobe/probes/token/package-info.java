/**
 * The probe's signature: {@link org.mailprobe.probes.token.TokenSigner} signs and verifies the token,
 * {@link org.mailprobe.probes.token.ProbeMessage} builds the message that carries it, and
 * {@code ProbeHeaders} finds it again in what a server hands back. Only a message whose token verifies
 * is ever ours to delete. Imports only the vocabulary.
 */
@NullMarked
package org.mailprobe.probes.token;

import org.jspecify.annotations.NullMarked;

