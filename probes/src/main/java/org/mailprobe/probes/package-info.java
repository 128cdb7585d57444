/**
 * The vocabulary every part of the probes library speaks: what a probe is ({@link org.mailprobe.probes.ProbeToken},
 * {@link org.mailprobe.probes.Arrival}), how it ends ({@link org.mailprobe.probes.Reason},
 * {@link org.mailprobe.probes.Stage}), where it goes ({@link org.mailprobe.probes.ServerEndpoint},
 * {@link org.mailprobe.probes.Account}, {@link org.mailprobe.probes.TlsPolicy}) and the clock that dates it.
 * These types are the library's public face together with the entry points of the packages below
 * ({@code submit}, {@code sink}, {@code watch}, {@code webmail}, {@code reachability}, {@code received},
 * {@code token}, {@code oauth}). This package imports no other package of the library; every other
 * package may import it.
 */
@NullMarked
package org.mailprobe.probes;

import org.jspecify.annotations.NullMarked;

