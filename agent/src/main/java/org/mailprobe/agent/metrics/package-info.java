/**
 * The Prometheus metrics the agent exports ({@code mailprobe_*}): closed label values, series at 0 from
 * the start, and the seconds-per-state counters clause 2 is computed from. Imports only the probes
 * library's vocabulary.
 */
@NullMarked
package org.mailprobe.agent.metrics;

import org.jspecify.annotations.NullMarked;

